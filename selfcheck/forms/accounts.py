"""Forms of the sign-in and activation pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from selfcheck import roles
from selfcheck.services.accounts import normalize_student_no


class StaffLoginForm(AuthenticationForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账号已停用。"),
    }


class StudentLoginForm(AuthenticationForm):
    username = forms.CharField(label=_("学号"), max_length=32)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": _("学号或密码错误。首次登录请先进行身份验证并设置密码。"),
        "inactive": _("该账号已停用。"),
    }

    def clean_username(self):
        return normalize_student_no(self.cleaned_data["username"])

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not roles.is_student(user):
            raise forms.ValidationError(_("教职工请从教职工入口登录。"), code="not_student")


class NewPasswordMixin:
    """Two password fields that must match and pass the password validators."""

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class StudentActivateForm(NewPasswordMixin, forms.Form):
    student_no = forms.CharField(label=_("学号"), max_length=32)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    name = forms.CharField(label=_("姓名"), max_length=64)
    password1 = forms.CharField(label=_("设置密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认密码"), strip=False, widget=forms.PasswordInput)


class ResetCodeRedeemForm(NewPasswordMixin, forms.Form):
    student_no = forms.CharField(label=_("学号"), max_length=32)
    code = forms.CharField(
        label=_("重置码"), max_length=32, help_text=_("由学院教学秘书或学籍科提供，限期有效，只能使用一次。")
    )
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput)


class ResetCodeIssueForm(forms.Form):
    student_no = forms.CharField(label=_("学生学号"), max_length=32)

    def clean_student_no(self):
        return normalize_student_no(self.cleaned_data["student_no"])
