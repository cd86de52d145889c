"""The registrar's form for a college's group-robot push."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from selfcheck.services.pushes import PushError, webhook_url_check


class CollegePushForm(forms.Form):
    url = forms.CharField(
        label=_("群机器人 Webhook 地址"), max_length=500,
        help_text=_("在企业微信或钉钉群的“群机器人”设置中复制。"),
        error_messages={"required": _("请填写 Webhook 地址。")},
    )  # fmt: skip
    send_at = forms.TimeField(
        label=_("每日推送时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("请填写推送时间。"), "invalid": _("时间格式应为 时:分，例如 17:00。")},
    )  # fmt: skip
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean_url(self):
        try:
            return webhook_url_check(self.cleaned_data["url"])
        except PushError as exc:
            raise forms.ValidationError(str(exc)) from exc
