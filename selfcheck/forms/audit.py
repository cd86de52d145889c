"""The audit page's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfcheck import audit_trail
from selfcheck.masking import contains_id_number


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), max_length=64, required=False)
    action = forms.ChoiceField(label=_("操作"), required=False)
    target_type = forms.ChoiceField(label=_("对象类型"), required=False)
    target = forms.CharField(
        label=_("对象"), max_length=64, required=False, help_text=_("编号，或名称中的文字（如学号、文件名）")
    )
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["action"].choices = everything + audit_trail.action_choices()
        self.fields["target_type"].choices = everything + audit_trail.target_type_choices()

    def clean_actor(self):
        return (self.cleaned_data.get("actor") or "").strip()

    def clean_target(self):
        target = (self.cleaned_data.get("target") or "").strip()
        if contains_id_number(target):  # it would sit in the query string, so in access logs
            raise forms.ValidationError(_("请勿按证件号码查找，请改用学号或姓名。"))
        return target

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return cleaned
