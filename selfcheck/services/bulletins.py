"""Bulletins: scheduled by staff, claimed when due, generated once, frozen afterwards.

Rules:
- a bulletin is produced only while its campaign is open; a due bulletin of a draft
  (or closed) campaign is not claimed and waits until the campaign opens;
- a scheduled time outside the campaign's window needs an explicit confirmation;
- times can be added, moved or removed until the bulletin is being generated.

Nothing here queues work: the dispatcher and ``bulletin_publish_now`` return what was
claimed and the interface that called them queues the generation after commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from selfcheck.models import Bulletin, Campaign, User
from selfcheck.services.audit import audit_record
from selfcheck.services.bulletin_content import build_snapshot
from selfcheck.services.bulletin_documents import render_document, render_workbook

logger = logging.getLogger(__name__)

# Errors that may pass on a later try: the database or the disk was away for a moment.
RETRYABLE = (OperationalError, InterfaceError, OSError)


class BulletinError(Exception):
    """A bulletin change that is not allowed; the message is shown to the user as is."""


def stale_claim() -> timedelta:
    """A claim older than this is taken to belong to a worker that died mid-generation."""
    return timedelta(seconds=settings.SELFCHECK_BULLETIN_STALE_SECONDS)


def outside_window(campaign: Campaign, when: datetime) -> bool:
    return not (campaign.opens_on <= timezone.localdate(when) <= campaign.closes_on)


def check_schedule_time(campaign: Campaign, when: datetime, *, confirm_outside: bool, now: datetime) -> None:
    """Refuse a time in the past, and one outside the window unless confirmed."""
    if when <= now:
        raise BulletinError(
            _("通报时间 %(time)s 已过，请选择以后的时间。") % {"time": f"{timezone.localtime(when):%Y-%m-%d %H:%M}"}
        )
    if outside_window(campaign, when) and not confirm_outside:
        raise BulletinError(
            _("通报时间 %(time)s 不在活动期间（%(opens)s 至 %(closes)s）内，如确需安排请勾选确认。")
            % {
                "time": f"{timezone.localtime(when):%Y-%m-%d %H:%M}",
                "opens": f"{campaign.opens_on:%Y-%m-%d}",
                "closes": f"{campaign.closes_on:%Y-%m-%d}",
            }
        )


def _next_sequence(campaign: Campaign) -> int:
    return (Bulletin.objects.filter(campaign=campaign).aggregate(n=Max("sequence"))["n"] or 0) + 1


@transaction.atomic
def bulletin_schedule(
    campaign: Campaign,
    *,
    scheduled_at: datetime,
    by: User | None,
    title: str = "",
    confirm_outside: bool = False,
    request: HttpRequest | None = None,
) -> Bulletin:
    """Add one bulletin to the schedule. Side effects: one audit event ``bulletin.schedule``."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_schedule_time(locked, scheduled_at, confirm_outside=confirm_outside, now=timezone.now())
    sequence = _next_sequence(locked)
    bulletin = Bulletin.objects.create(
        campaign=locked, sequence=sequence, title=title or f"第{sequence}次进度通报", scheduled_at=scheduled_at
    )
    audit_record(
        actor=by, action="bulletin.schedule", target=bulletin,
        changes={"scheduled_at": [None, scheduled_at.isoformat()]}, request=request,
    )  # fmt: skip
    return bulletin


@transaction.atomic
def bulletin_publish_now(campaign: Campaign, *, by: User | None, request: HttpRequest | None = None) -> Bulletin:
    """Add an extra bulletin due now and claim it at once; the caller queues its generation.

    Side effects: one audit event ``bulletin.publish_now``. Refused unless the campaign is open.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.state != Campaign.State.OPEN:
        raise BulletinError(_("只有进行中的活动可以发布进度通报。"))
    now = timezone.now()
    sequence = _next_sequence(locked)
    bulletin = Bulletin.objects.create(
        campaign=locked, sequence=sequence, title="", scheduled_at=now,
        state=Bulletin.State.GENERATING, claimed_at=now,
    )  # fmt: skip
    audit_record(actor=by, action="bulletin.publish_now", target=bulletin, changes={}, request=request)
    return bulletin


def bulletins_dispatch_due(now: datetime | None = None, *, queue: Callable[[int], None]) -> list[int]:
    """Claim the due bulletins of open campaigns with a conditional UPDATE; returns their ids.

    Side effects: ``queue(pk)`` (the generation) once per claimed bulletin, after its
    claim commits. A claim left by a worker that died mid-generation is taken again once
    stale. Running it twice, or in two processes at once, claims each bulletin once.
    """
    now = now or timezone.now()
    due = Bulletin.objects.filter(
        Q(state=Bulletin.State.SCHEDULED) | Q(state=Bulletin.State.GENERATING, claimed_at__lt=now - stale_claim()),
        scheduled_at__lte=now,
        campaign__state=Campaign.State.OPEN,
    ).values_list("pk", "state", "claimed_at")
    claimed = []
    for pk, state, claimed_at in list(due):
        with transaction.atomic():
            won = Bulletin.objects.filter(pk=pk, state=state, claimed_at=claimed_at).update(
                state=Bulletin.State.GENERATING, claimed_at=now
            )
            if won == 1:
                claimed.append(pk)
                transaction.on_commit(lambda pk=pk: queue(pk))
    return claimed


def _store(field, name: str, content: bytes) -> None:
    """Write to a fixed name, replacing what a run that crashed may have left there."""
    path = field.field.generate_filename(field.instance, name)
    if default_storage.exists(path):
        default_storage.delete(path)
    field.save(name, ContentFile(content), save=False)


def _test_delay() -> None:
    delay = settings.SELFCHECK_BULLETIN_TEST_DELAY
    if delay:  # only set by the crash tests, so a worker can be killed mid-generation
        time.sleep(delay)


def bulletin_generate(bulletin: Bulletin, *, on_published: Callable[[int], None] | None = None) -> str:
    """Freeze the numbers and write the three outputs of one claimed bulletin; idempotent.

    Returns ``published``, ``already`` (done before), ``waiting`` (campaign not open:
    the claim is released), ``gone`` or ``failed`` (bad data: state ``failed`` with a
    message for staff; not worth retrying). Database and disk errors propagate so the
    task retries. Side effects: the .docx and .xlsx files, an audit event, and
    ``on_published(id)`` after commit.
    """
    try:
        with transaction.atomic():
            locked = Bulletin.objects.select_for_update().select_related("campaign").filter(pk=bulletin.pk).first()
            if locked is None:
                return "gone"
            if locked.state == Bulletin.State.PUBLISHED:
                return "already"
            if locked.campaign.state != Campaign.State.OPEN:
                locked.state, locked.claimed_at = Bulletin.State.SCHEDULED, None
                locked.save(update_fields=["state", "claimed_at"])
                return "waiting"
            logger.info("bulletin %s: generating", locked.pk)
            _test_delay()
            now = timezone.now()
            snapshot = build_snapshot(locked, now=now)
            stem = f"{locked.campaign.slug}-{locked.sequence}"
            _store(locked.document, f"{stem}.docx", render_document(snapshot))
            _store(locked.spreadsheet, f"{stem}.xlsx", render_workbook(locked, snapshot))
            locked.snapshot, locked.title = snapshot, snapshot["title"]
            locked.generated_at, locked.state = now, Bulletin.State.PUBLISHED
            locked.save()
            audit_record(
                actor=None, action="bulletin.publish", target=locked,
                changes={"rate": [None, snapshot["overall"]["rate"]]},
            )  # fmt: skip
            if on_published is not None:
                # robust: a broker that is down must not undo a bulletin that is out.
                transaction.on_commit(lambda: on_published(locked.pk), robust=True)
        logger.info("bulletin %s: published", bulletin.pk)
        return "published"
    except RETRYABLE:
        raise
    except Exception as exc:  # bad data fails the same way every time: stop with a message
        logger.exception("bulletin %s cannot be generated", bulletin.pk)
        bulletin_fail(bulletin, message=failure_message(exc))
        return "failed"


def failure_message(exc: Exception) -> str:
    # The type only: an exception's text may quote personal data.
    return _("通报生成失败（%(error)s），重试不会成功，请检查通报设置后重新安排。") % {"error": type(exc).__name__}


def bulletin_fail(bulletin: Bulletin, *, message: str) -> bool:
    """Mark a claimed bulletin failed with ``message`` for staff, so it is not claimed again.

    Side effects: an audit event. Returns False when the bulletin was not generating.
    """
    with transaction.atomic():
        failed = Bulletin.objects.filter(pk=bulletin.pk, state=Bulletin.State.GENERATING).update(
            state=Bulletin.State.FAILED, snapshot={"error": message[:500]}
        )
        if failed:
            audit_record(actor=None, action="bulletin.fail", target=bulletin, changes={"error": [None, message[:500]]})
    return bool(failed)
