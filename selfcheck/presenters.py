"""How a check's details and history read on a page or in an export: labelled rows,
ID numbers masked."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from selfcheck.masking import mask_id_number
from selfcheck.models import Check, Student


def detail_rows(detail: dict | None) -> list[tuple[str, str]]:
    """What a student reported, as (label, value) rows; ID numbers masked."""
    if not isinstance(detail, dict):
        return []
    fields = detail.get("fields")
    rows = []
    for name, value in fields.items() if isinstance(fields, dict) else ():
        try:
            label = str(Student._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # written by an import or an older form
            label = str(name)
        rows.append(
            (_("%(label)s应为") % {"label": label}, mask_id_number(str(value)) if name == "id_number" else str(value))
        )
    if detail.get("note"):
        rows.append((_("说明"), str(detail["note"])))
    return rows


def detail_text(detail: dict | None) -> str:
    return "；".join(f"{label}：{value}" for label, value in detail_rows(detail))


CHANGE_LABELS = {
    "status": gettext_lazy("状态"),
    "source": gettext_lazy("来源"),
    "blocked_reason": gettext_lazy("无法登录原因"),
    "reason": gettext_lazy("原因"),
}
CHOICE_LABELS = {
    "status": dict(Check.Status.choices),
    "source": dict(Check.Source.choices),
    "blocked_reason": dict(Check.BlockedReason.choices),
}


def history_rows(events) -> list[dict]:
    rows = []
    for event in events:
        lines = []
        for key, label in CHANGE_LABELS.items():
            if key not in event.changes:
                continue
            old, new = (list(event.changes[key]) + [None, None])[:2]
            names = CHOICE_LABELS.get(key, {})
            old, new = names.get(old, old), names.get(new, new)
            if key == "reason":
                lines.append(_("%(label)s：%(new)s") % {"label": label, "new": new})
            else:
                lines.append(_("%(label)s：%(old)s → %(new)s") % {"label": label, "old": old or "—", "new": new or "—"})
        actor = event.actor
        rows.append({
            "at": event.created_at,
            "actor": (actor.get_full_name() or actor.username) if actor else _("系统"),
            "lines": lines,
        })  # fmt: skip
    return rows


def chase_message(campaign, college_name: str, klass, *, now=None) -> str:
    """One class's reminder, ready to paste into its WeChat/QQ group: 姓名 and 学号 only."""
    now = now or timezone.localtime()
    lines = [
        _("【%(campaign)s】%(college)s %(klass)s 尚未完成学籍核对的同学（截至 %(time)s，共 %(n)s 人）：")
        % {
            "campaign": campaign.name,
            "college": college_name,
            "klass": klass.class_name or _("（未分班）"),
            "time": now.strftime("%m-%d %H:%M"),
            "n": len(klass.students),
        }
    ]
    for student in klass.students:
        line = f"{student.name} {student.student_no}"
        if student.status == Check.Status.BLOCKED:
            line += _("（无法登录，请联系学院）")
        lines.append(line)
    lines.append(
        _("请尽快登录学信网核对本人学籍信息，并在自查平台点“核对无误”或“信息有误”，截止日期 %(date)s。")
        % {"date": campaign.closes_on.strftime("%Y-%m-%d")}
    )
    return "\n".join(lines)
