"""Forms of the tracking pages: campaigns, the student's answers, staff on behalf, list filters."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from selfcheck.models import Campaign, Check, Level
from selfcheck.record import RECORD_FIELDS
from selfcheck.services.campaigns import BulletinRow
from selfcheck.services.checks import REASON_MAX

# Path segments next to /campaigns/<slug>/ that a slug must not shadow.
RESERVED_SLUGS = {"new"}
NOTE_MAX = 500
VALUE_MAX = 128


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("层次"), choices=Level.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个层次。"), "invalid_choice": _("层次无效。")},
    )  # fmt: skip

    class Meta:
        model = Campaign
        fields = ["slug", "name", "kind", "cohort", "levels", "opens_on", "closes_on", "target_rate",
                  "instructions", "login_help"]  # fmt: skip
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "instructions": forms.Textarea(attrs={"rows": 6}),
            "login_help": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "slug": _("用于网址，只能包含字母、数字、连字符，创建后不能修改，例如 2026-freshman。"),
            "instructions": _("学生页面显示的核对步骤，每行一步。"),
            "login_help": _("学生点击“无法登录 / 查不到学籍”时看到的常见问题与解决办法，每行一条。"),
            "target_rate": _("例如 100 表示要求全部学生完成核对。"),
        }
        error_messages = {
            "slug": {"unique": _("该标识已被其他活动使用。"), "invalid": _("标识只能包含字母、数字、连字符和下划线。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["slug"].disabled = True
        self.fields["cohort"].min_value = 2000
        self.fields["cohort"].widget.attrs.update(min=2000, max=2100)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("该标识为系统保留，请换一个。"))
        return slug

    def clean_cohort(self):
        cohort = self.cleaned_data["cohort"]
        if not 2000 <= cohort <= 2100:
            raise forms.ValidationError(_("年级应为四位年份，例如 2026。"))
        return cohort

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("截止日期不能早于开始日期。"))
        return cleaned

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "slug"}


class BulletinRowForm(forms.Form):
    sequence = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("标题"), max_length=128, required=False)
    scheduled_at = forms.DateTimeField(
        label=_("发布时间"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": _("请填写发布时间。"), "invalid": _("时间格式应为 年-月-日 时:分。")},
    )


BulletinFormSet = formset_factory(BulletinRowForm, extra=2, can_delete=True, max_num=10, validate_max=True)


def bulletin_rows(formset) -> list[BulletinRow]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("scheduled_at"):
            continue
        rows.append(
            BulletinRow(scheduled_at=data["scheduled_at"], title=data.get("title") or "", sequence=data.get("sequence"))
        )
    return rows


def bulletin_initial(bulletins) -> list[dict]:
    return [{"sequence": b.sequence, "title": b.title, "scheduled_at": b.scheduled_at} for b in bulletins]


# --- the student's answers --------------------------------------------------------------


class DiscrepancyForm(forms.Form):
    """Which fields of the record are wrong, and what is right for each."""

    note = forms.CharField(
        label=_("补充说明"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, record: list[tuple[str, str]], initial_detail: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        reported = (initial_detail or {}).get("fields") or {}
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


# --- staff on a student's behalf --------------------------------------------------------


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

OPEN = ""  # default: every status still to chase
ALL = "all"
DONE = "done"
STATUS_FILTER_CHOICES = [(OPEN, _("未完成（待催办）")), (ALL, _("全部")), (DONE, _("已完成"))] + list(
    Check.Status.choices
)


class CheckFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_FILTER_CHOICES, required=False)
    college = forms.CharField(label=_("学院"), max_length=16, required=False)
    major = forms.CharField(label=_("专业"), max_length=64, required=False)
    class_name = forms.CharField(label=_("班级"), max_length=64, required=False)
    q = forms.CharField(label=_("学号/姓名"), max_length=64, required=False)

    def clean_q(self):
        return (self.cleaned_data.get("q") or "").strip()


EXPORT_FORMATS = ("xlsx", "csv")
