"""Forms of the check lists: staff setting a status on a student's behalf, list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfcheck.masking import contains_id_number
from selfcheck.models import Check
from selfcheck.selectors.checks import StatusFilter
from selfcheck.services.checks import REASON_MAX


class OnBehalfForm(forms.Form):
    status = forms.ChoiceField(
        label=_("核对状态"), choices=Check.Status.choices,
        error_messages={"required": _("请选择核对状态。"), "invalid_choice": _("无效的核对状态。")},
    )  # fmt: skip
    blocked_reason = forms.ChoiceField(
        label=_("无法登录原因"), required=False, choices=[("", "—")] + list(Check.BlockedReason.choices),
        error_messages={"invalid_choice": _("无效的原因。")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("代为设置的原因"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：学生电话告知已在学信网核对无误。将记入操作日志。"),
        error_messages={"required": _("请填写代为设置的原因。")},
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Check.Status.BLOCKED and not cleaned.get("blocked_reason"):
            self.add_error("blocked_reason", _("请选择无法登录的原因。"))
        return cleaned


# --- list filters -----------------------------------------------------------------------

STATUS_FILTER_CHOICES = [
    (StatusFilter.OPEN, _("未完成（待催办）；搜索时为全部")),
    (StatusFilter.ALL, _("全部")),
    (StatusFilter.DONE, _("已完成")),
] + list(Check.Status.choices)


class CheckFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_FILTER_CHOICES, required=False)
    college = forms.CharField(label=_("学院"), max_length=16, required=False)
    major = forms.CharField(label=_("专业"), max_length=64, required=False)
    class_name = forms.CharField(label=_("班级"), max_length=64, required=False)
    q = forms.CharField(label=_("学号/姓名"), max_length=64, required=False)

    def clean_q(self):
        q = (self.cleaned_data.get("q") or "").strip()
        if contains_id_number(q):  # lists search by 学号 or name; an ID would sit in the URL
            raise forms.ValidationError(_("请勿按证件号码搜索。"))
        return q


EXPORT_FORMATS = ("xlsx", "csv")
