"""Checks: the one place a student's self-check status changes.

Who may change a check, and when:

- a **student** changes their own check while the campaign's window is open
  (``Campaign.is_within_window``: state open and today between opens_on and
  closes_on). Before or after it the answer is refused with a message that says
  why and whom to contact;
- a **college secretary** sets the status of a student of their own colleges on the
  student's behalf, with a reason, while the campaign is open — also after its
  closing date, until the registrar closes the campaign (late CHSI confirmations
  arrive by phone);
- the **registrar** does the same for any student while the campaign is open or
  closed (a record fixed after the deadline), never while it is a draft;
- imports acting for the office (source ``chsi_list`` or ``system``) follow the
  registrar's rule; their ``by`` may be ``None``.

Every change is audited with the old and new values and, for staff, the reason.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from selfcheck import counters, stats
from selfcheck.models import Campaign, Check, Role, User
from selfcheck.services.audit import audit_record

STUDENT_STATUSES = (Check.Status.CONFIRMED, Check.Status.DISCREPANCY, Check.Status.BLOCKED, Check.Status.MISSING)
REASON_MAX = 500


class CheckError(Exception):
    """A status change that is not allowed; the message is shown to the user as is."""


def window_message(campaign: Campaign, today=None) -> str:
    """Why a student cannot change their check now, or "" when they can."""
    today = today or timezone.localdate()
    if campaign.is_within_window(today):
        return ""
    if campaign.state == Campaign.State.DRAFT:
        return _("核查尚未开始，请留意学院通知。")
    if campaign.state == Campaign.State.OPEN and today < campaign.opens_on:
        return _("核查将于%(date)s开始，届时再来核对。") % {"date": _long_date(campaign.opens_on)}
    return _("核查已于%(date)s截止，如需修改请联系所在学院教学秘书或学籍科。") % {
        "date": _long_date(campaign.closes_on)
    }


def _long_date(day) -> str:
    # Translators: a date format (Django's date filter syntax); in Chinese 2026年09月01日.
    return dateformat.format(day, _("Y年m月d日"))


def _source_for(by: User | None) -> str:
    if by is None:
        return Check.Source.SYSTEM
    if by.is_registrar:
        return Check.Source.REGISTRAR
    if by.role == Role.SECRETARY:
        return Check.Source.SECRETARY
    if by.role == Role.STUDENT:
        return Check.Source.STUDENT
    raise CheckError(_("您的角色不能修改核对状态。"))


def _authorize(check: Check, *, by: User | None, source: str, reason: str) -> None:
    campaign = check.campaign
    if source == Check.Source.STUDENT:
        if by is None or by.role != Role.STUDENT or check.student.user_id != by.pk:
            raise CheckError(_("只能核对本人的学籍信息。"))
        message = window_message(campaign)
        if message:
            raise CheckError(message)
        return
    if source == Check.Source.SECRETARY:
        if by is None or by.role != Role.SECRETARY:
            raise CheckError(_("您的角色不能代为设置核对状态。"))
        if not by.colleges.filter(pk=check.student.college_id).exists():
            raise CheckError(_("该学生不属于您负责的学院。"))
        if campaign.state != Campaign.State.OPEN:
            raise CheckError(_("核查活动未在进行中，如需修改请联系学籍科。"))
    else:  # registrar, CHSI list, system
        if by is not None and not by.is_registrar:
            raise CheckError(_("您的角色不能代为设置核对状态。"))
        if campaign.state == Campaign.State.DRAFT:
            raise CheckError(_("核查活动尚未开放。"))
    if source in (Check.Source.SECRETARY, Check.Source.REGISTRAR) and not reason:
        raise CheckError(_("代学生设置状态时请填写原因。"))


@transaction.atomic
def check_set_status(
    check: Check,
    *,
    status: str,
    by: User | None,
    source: str | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    blocked_reason: str = "",
    request: HttpRequest | None = None,
) -> Check:
    """Set the status of one check and return it, refreshed.

    ``source`` defaults to the role of ``by``. ``detail`` is what the student
    reported (for a discrepancy: ``{"fields": {field: correct value}, "note": ...}``);
    when left out it is kept if the status stays the same and cleared otherwise.
    ``blocked_reason`` is required for ``blocked`` and cleared for other statuses.

    Side effects: one audit event ``check.set_status``; after commit, the cached dashboard
    numbers of the campaign and of the student's college are dropped. ``completed_at`` is set the first time the
    check becomes done and never moved afterwards.
    Raises ``CheckError`` with a message for the user when the change is refused.
    """
    if status not in Check.Status.values:
        raise CheckError(_("无效的核对状态。"))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise CheckError(_("原因不能超过%(max)d字。") % {"max": REASON_MAX})
    source = source or _source_for(by)
    if source not in Check.Source.values:
        raise CheckError(_("无效的来源。"))
    if source == Check.Source.STUDENT and status not in STUDENT_STATUSES:
        raise CheckError(_("无效的核对状态。"))
    if status == Check.Status.BLOCKED:
        if blocked_reason not in Check.BlockedReason.values:
            raise CheckError(_("请选择无法登录的原因。"))
    else:
        blocked_reason = ""
    if detail is not None and not isinstance(detail, dict):
        raise CheckError(_("核对详情格式无效。"))

    # Lock the row: a student and their secretary clicking at once must not lose a write.
    locked = Check.objects.select_for_update().select_related("campaign", "student").get(pk=check.pk)
    _authorize(locked, by=by, source=source, reason=reason)

    if detail is None:
        detail = locked.detail if status == locked.status else {}
    now = timezone.now()
    old_status, old_completed_at = locked.status, locked.completed_at
    before = {
        "status": locked.status,
        "source": locked.source,
        "blocked_reason": locked.blocked_reason,
        "detail": locked.detail,
    }
    locked.status = status
    locked.source = source
    locked.blocked_reason = blocked_reason
    locked.detail = detail
    locked.staff_reason = reason
    locked.set_by = by
    locked.set_at = now
    if status in Check.DONE and locked.completed_at is None:
        locked.completed_at = now
    locked.save(
        update_fields=[
            "status",
            "source",
            "blocked_reason",
            "detail",
            "staff_reason",
            "set_by",
            "set_at",
            "completed_at",
        ]
    )
    counters.counts_move(locked, old_status=old_status, old_completed_at=old_completed_at)
    after = {"status": status, "source": source, "blocked_reason": blocked_reason, "detail": detail}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if reason:
        changes["reason"] = [None, reason]
    audit_record(actor=by, action="check.set_status", target=locked, changes=changes, request=request)
    campaign_id, college_id = locked.campaign_id, locked.student.college_id
    transaction.on_commit(lambda: stats.invalidate(campaign_id, college_id))
    return locked
