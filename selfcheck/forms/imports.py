"""Forms of the roster import pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from selfcheck.models import College, RosterImport, college_code_validator
from selfcheck.selectors.campaigns import current_campaign
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.readers import ENCODINGS
from selfcheck.services.roster.safety import check_size, format_of, human_size

ENCODING_CHOICES = [("", _("自动检测"))] + [(codec, label) for codec, label in ENCODINGS.items()]


class ImportUploadForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("核查活动"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("文件类型"), choices=RosterImport.Kind.choices, initial=RosterImport.Kind.ROSTER)
    file = forms.FileField(label=_("文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}))
    encoding = forms.ChoiceField(
        label=_("CSV 编码"), choices=ENCODING_CHOICES, required=False, help_text=_("仅对 CSV 文件有效；一般无需选择。")
    )

    def __init__(self, *args, campaigns=None, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        if campaigns is not None and not self.is_bound:
            # The campaign running now, not the newest (which may be a draft being prepared).
            current = current_campaign(list(campaigns))
            if current is not None:
                self.initial.setdefault("campaign", current.pk)
        self.fields["file"].help_text = _("支持 .xlsx、.xls、.ods、.csv；大小不超过 %(limit)s。") % {
            "limit": human_size(settings.SELFCHECK_UPLOAD_LIMIT)
        }
        self.too_large = too_large
        if too_large:  # the file was dropped while uploading; say why, not "required"
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        try:
            format_of(upload.name)
            check_size(upload.size, settings.SELFCHECK_UPLOAD_LIMIT)
        except FileRefused as refused:
            raise forms.ValidationError(refused.message, code="refused") from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.add_error(
                "file", _("文件超过上限 %(limit)s，未上传。") % {"limit": human_size(settings.SELFCHECK_UPLOAD_LIMIT)}
            )
        return cleaned


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("只导入有效行（跳过无效行）"), required=False)
    include_outside = forms.BooleanField(label=_("把活动范围外的学生也纳入本活动"), required=False)
    # 学号 of the identity changes staff accept, one checkbox each; the service keeps
    # only those its preview listed.
    accept_identity = forms.MultipleChoiceField(required=False, choices=())

    def __init__(self, *args, identity_changes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_identity"].choices = [(item["student_no"], item["student_no"]) for item in identity_changes]


class RevalidateForm(forms.Form):
    encoding = forms.ChoiceField(label=_("按此编码重新校验"), choices=ENCODING_CHOICES, required=False)


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("改用工作表"))

    def __init__(self, *args, sheets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]


class CollegeResolveForm(forms.Form):
    ACTIONS = [("map", _("对应到已有学院")), ("create", _("新建学院"))]

    name = forms.CharField(widget=forms.HiddenInput, max_length=64)
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, initial="map")
    college = forms.ModelChoiceField(label=_("已有学院"), queryset=College.objects.all(), required=False)
    code = forms.CharField(
        label=_("新学院代码"), max_length=16, required=False, validators=[college_code_validator],
        help_text=_("字母、数字、下划线或连字符，例如 A01。"),
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "map" and not cleaned.get("college"):
            self.add_error("college", _("请选择要对应的学院。"))
        if cleaned.get("action") == "create" and not cleaned.get("code", "").strip():
            self.add_error("code", _("请填写新学院的代码。"))
        return cleaned
