"""Forms of the student's own pages: why they cannot log in (what is wrong: ``forms.corrections``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfcheck.models import Check

NOTE_MAX = 500


MISSING = "missing"
PROBLEM_CHOICES = [
    (Check.BlockedReason.PHONE_TAKEN, _("手机号已被注册，无法注册或登录学信网")),
    (Check.BlockedReason.ID_BOUND, _("证件号码重复或已被其他账号绑定")),
    (Check.BlockedReason.NOT_LINKED, _("能登录，但学籍未关联")),
    (MISSING, _("能登录，但学信网上查不到我的学籍")),
    (Check.BlockedReason.OTHER, _("其他问题")),
]


class ProblemForm(forms.Form):
    problem = forms.ChoiceField(
        label=_("遇到的问题"), choices=PROBLEM_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("请选择遇到的问题。"), "invalid_choice": _("请选择列出的问题之一。")},
    )  # fmt: skip
    note = forms.CharField(
        label=_("情况说明"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("problem") == Check.BlockedReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("选择“其他问题”时请简要说明情况。"))
        return cleaned

    def service_kwargs(self) -> dict:
        problem = self.cleaned_data["problem"]
        note = (self.cleaned_data.get("note") or "").strip()
        if problem == MISSING:
            return {"status": Check.Status.MISSING, "detail": {"note": note}}
        return {"status": Check.Status.BLOCKED, "blocked_reason": problem, "detail": {"note": note}}
