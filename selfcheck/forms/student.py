"""Forms of the student's own pages: what is wrong in the record, why they cannot log in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfcheck.masking import mask_id_number
from selfcheck.models import Check
from selfcheck.record import RECORD_FIELDS

NOTE_MAX = 500
VALUE_MAX = 128


class DiscrepancyForm(forms.Form):
    """Which fields of the record are wrong, and what is right for each."""

    note = forms.CharField(
        label=_("补充说明"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, record: list[tuple[str, str]], initial_detail: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        reported = (initial_detail or {}).get("fields") or {}
        # A corrected ID number typed earlier is stored whole but shown masked; sent
        # back unchanged, the masked text stands for the stored number.
        self.kept_id_number = str(reported.get("id_number") or "")
        if self.kept_id_number:
            reported = {**reported, "id_number": mask_id_number(self.kept_id_number)}
        self.rows = []
        for name, (label, current) in zip(RECORD_FIELDS, record, strict=True):
            wrong = forms.BooleanField(label=label, required=False, initial=name in reported)
            correct = forms.CharField(
                label=_("正确的%(label)s") % {"label": label}, max_length=VALUE_MAX, required=False,
                initial=reported.get(name, ""),
            )  # fmt: skip
            self.fields[f"wrong_{name}"] = wrong
            self.fields[f"correct_{name}"] = correct
            self.rows.append({"name": name, "label": label, "current": current})
        if reported:
            self.fields["note"].initial = (initial_detail or {}).get("note", "")

    def bound_rows(self):
        for row in self.rows:
            yield dict(row, wrong=self[f"wrong_{row['name']}"], correct=self[f"correct_{row['name']}"])

    def clean(self):
        cleaned = super().clean()
        fields = {}
        for row in self.rows:
            name = row["name"]
            value = (cleaned.get(f"correct_{name}") or "").strip()
            if name == "id_number" and self.kept_id_number and value == mask_id_number(self.kept_id_number):
                value = self.kept_id_number
            if cleaned.get(f"wrong_{name}"):
                if not value:
                    self.add_error(f"correct_{name}", _("请填写“%(label)s”的正确信息。") % {"label": row["label"]})
                else:
                    fields[name] = value
        if not fields and not self.errors:
            raise forms.ValidationError(_("请至少勾选一项有误的信息并填写正确内容。"))
        cleaned["detail"] = {"fields": fields, "note": (cleaned.get("note") or "").strip()}
        return cleaned


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
