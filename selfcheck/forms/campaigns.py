"""Forms of the campaign pages: the campaign and its bulletin schedule."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from selfcheck.models import Campaign, Level
from selfcheck.services.bulletin_schedule import BulletinRow

# Path segments next to /campaigns/<slug>/ that a slug must not shadow.
RESERVED_SLUGS = {"new"}


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
                  "instructions", "login_help", "office_contact"]  # fmt: skip
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
    confirm_outside = forms.BooleanField(label=_("活动期外也发布"), required=False)


BulletinFormSet = formset_factory(BulletinRowForm, extra=2, can_delete=True, max_num=10, validate_max=True)


def bulletin_rows(formset) -> list[BulletinRow]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("scheduled_at"):
            continue
        rows.append(
            BulletinRow(
                scheduled_at=data["scheduled_at"],
                title=data.get("title") or "",
                sequence=data.get("sequence"),
                confirm_outside=bool(data.get("confirm_outside")),
            )
        )
    return rows


def bulletin_initial(bulletins) -> list[dict]:
    return [{"sequence": b.sequence, "title": b.title, "scheduled_at": b.scheduled_at} for b in bulletins]
