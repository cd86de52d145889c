"""Forms of the correction workflow: the student's request, a staff step, the queue filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from selfcheck.masking import mask_id_number
from selfcheck.models import CorrectionEvidence, CorrectionRequest, Student
from selfcheck.services import correction_fields as fields
from selfcheck.services import evidence
from selfcheck.services.corrections import STEPS, TEXT_MAX

SELECT_FIELDS = {"gender", "level", "id_type"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [d for d in data if d]
        return [data] if data else []


def _value_field(name: str) -> forms.Field:
    label = fields.label(name)
    if name in SELECT_FIELDS:
        choices = [("", "—")] + list(fields.CHOICES[name].choices)
        return forms.ChoiceField(label=label, choices=choices, required=False)
    attrs = {"autocomplete": "off"}
    if name in fields.DATE_FIELDS:
        attrs["type"] = "date"
    if name in ("id_number", "exam_no"):
        attrs["autocapitalize"] = "characters"
    return forms.CharField(label=label, max_length=fields.VALUE_MAX, required=False, strip=True,
                           widget=forms.TextInput(attrs=attrs))  # fmt: skip


class CorrectionForm(forms.Form):
    """The student's request: which fields are wrong, their correct values, cause, evidence.

    A value typed for a field that is not ticked is an error shown next to it, never
    dropped; values are parsed as the roster import parses them.
    """

    cause = forms.ChoiceField(
        label=gettext_lazy("更正原因"), choices=CorrectionRequest.Cause.choices, widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择更正原因。"), "invalid_choice": gettext_lazy("请选择更正原因。")},
    )  # fmt: skip
    explanation = forms.CharField(
        label=gettext_lazy("情况说明"), required=False, max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    evidence_kind = forms.ChoiceField(
        label=gettext_lazy("材料类型"), choices=CorrectionEvidence.Kind.choices, initial="id_card", required=False
    )
    files = MultipleFileField(label=gettext_lazy("证明材料"), required=False, help_text=evidence.formats_hint)

    def __init__(self, *args, student: Student, correction: CorrectionRequest | None = None, **kwargs):
        self.student = student
        self.correction = correction
        # A corrected ID number typed earlier is stored whole but shown masked; sent back
        # unchanged, the masked text stands for the stored number.
        self.kept_id_number = ""
        if correction is not None and not kwargs.get("initial"):
            initial = {"cause": correction.cause, "explanation": correction.explanation}
            for item in correction.items.all():
                initial[f"wrong_{item.field}"] = True
                initial[f"correct_{item.field}"] = item.requested_value
                if item.field == "id_number":
                    self.kept_id_number = item.requested_value
                    initial["correct_id_number"] = mask_id_number(item.requested_value)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for name in fields.CORRECTABLE_FIELDS:
            self.fields[f"wrong_{name}"] = forms.BooleanField(label=fields.label(name), required=False)
            self.fields[f"correct_{name}"] = _value_field(name)
        self.existing_evidence = list(correction.evidence.all()) if correction is not None else []

    def rows(self):
        """One row per correctable field, with the current value shown as the student sees it."""
        for name in fields.CORRECTABLE_FIELDS:
            current = fields.display_value(name, fields.stored_value(self.student, name))
            yield {"name": name, "label": fields.label(name), "current": current or "—",
                   "wrong": self[f"wrong_{name}"], "correct": self[f"correct_{name}"]}  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        changes: dict[str, str] = {}
        for name in fields.CORRECTABLE_FIELDS:
            ticked = cleaned.get(f"wrong_{name}")
            raw = cleaned.get(f"correct_{name}") or ""
            if name == "id_number" and self.kept_id_number and raw == mask_id_number(self.kept_id_number):
                raw = self.kept_id_number
            if raw and not ticked:
                self.add_error(
                    f"correct_{name}",
                    _("填写了正确的信息，但没有勾选“%(label)s”有误。") % {"label": fields.label(name)},
                )
                continue
            if not ticked:
                continue
            try:
                value = fields.parse_value(name, raw)
            except fields.FieldValueError as exc:
                self.add_error(f"correct_{name}", str(exc))
                continue
            if value == fields.stored_value(self.student, name):
                self.add_error(f"correct_{name}", _("与学校登记的信息相同，请填写正确的信息。"))
                continue
            changes[name] = value
        if not changes and not self.errors:
            raise forms.ValidationError(_("请至少勾选一项需要更正的信息，并填写正确的内容。"))
        for name, message in fields.identity_problems(self.student, changes).items():
            self.add_error(f"correct_{name}", message)
        self._clean_files(cleaned, changes)
        cleaned["changes"] = changes
        return cleaned

    def _clean_files(self, cleaned, changes) -> None:
        uploads = cleaned.get("files") or []
        if len(uploads) + len(self.existing_evidence) > evidence.MAX_FILES:
            self.add_error("files", _("每个申请最多 %(max)d 个证明材料。") % {"max": evidence.MAX_FILES})
            uploads = []
        clean_files = []
        for upload in uploads:
            try:
                clean_files.append(evidence.inspect(upload))
            except evidence.EvidenceRefused as exc:
                self.add_error("files", str(exc))
        cleaned["clean_files"] = clean_files
        kind = cleaned.get("evidence_kind") or CorrectionEvidence.Kind.OTHER
        cleaned["evidence_kind"] = kind
        kinds = {e.kind for e in self.existing_evidence} | ({kind} if clean_files else set())
        if CorrectionRequest.IDENTITY_FIELDS & set(changes) and not kinds & {"id_card", "household"}:
            self.add_error(
                "files",
                _("更正姓名、性别、出生日期或证件号码，须上传身份证或户口簿照片（材料类型选“身份证”或“户口簿”）。"),
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"cause": data["cause"], "explanation": data.get("explanation") or "", "changes": data["changes"],
                "files": data["clean_files"], "evidence_kind": data["evidence_kind"]}  # fmt: skip


class StepForm(forms.Form):
    """A staff step: the comment, and for some steps the admissions answer or the reference number."""

    text = forms.CharField(label=gettext_lazy("意见"), required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    answer = forms.ChoiceField(label=gettext_lazy("核实结果"), required=False,
                               choices=[("", "—")] + list(CorrectionRequest.Answer.choices))  # fmt: skip
    reference = forms.CharField(label=gettext_lazy("审批文号"), required=False, max_length=64)


ANY = ""
FIELD_CHOICES = [(ANY, gettext_lazy("全部字段"))] + [(name, name) for name in fields.CORRECTABLE_FIELDS]
AGE_CHOICES = [(ANY, gettext_lazy("不限")), ("3", gettext_lazy("3 天以上未处理")), ("7", gettext_lazy("7 天以上未处理")),
               ("14", gettext_lazy("14 天以上未处理"))]  # fmt: skip


class QueueFilterForm(forms.Form):
    campaign = forms.SlugField(required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, initial="open",
        choices=[("open", gettext_lazy("处理中")), (ANY, gettext_lazy("全部"))] + list(CorrectionRequest.State.choices),
    )  # fmt: skip
    college = forms.ChoiceField(label=gettext_lazy("学院"), required=False)
    cause = forms.ChoiceField(label=gettext_lazy("原因"), required=False,
                              choices=[(ANY, gettext_lazy("全部原因"))] + list(CorrectionRequest.Cause.choices))  # fmt: skip
    field = forms.ChoiceField(label=gettext_lazy("字段"), required=False, choices=FIELD_CHOICES)
    age = forms.ChoiceField(label=gettext_lazy("等待时间"), required=False, choices=AGE_CHOICES)

    def __init__(self, *args, colleges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].choices = [(ANY, _("全部学院"))] + [(c.code, c.name) for c in colleges]
        self.fields["field"].choices = [(ANY, _("全部字段"))] + [
            (n, fields.label(n)) for n in fields.CORRECTABLE_FIELDS
        ]


BULK_ACTIONS = ("review", "forward", "approve")


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else [value] if value else []
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("选择的申请无效。")) from None


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, STEPS[a].label) for a in BULK_ACTIONS])
    ids = IdListField(error_messages={"required": gettext_lazy("请至少选择一个申请。")})
