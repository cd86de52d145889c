"""Bulletins: claimed when due, generated once, frozen afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from selfcheck import stats
from selfcheck.models import Bulletin, Check
from selfcheck.services.audit import audit_record
from selfcheck.services.exports import render_xlsx

# A claim older than this is taken to belong to a worker that died mid-generation.
STALE_CLAIM = timedelta(minutes=15)


def bulletins_dispatch_due(now=None, *, queue: Callable[[int], None]) -> list[int]:
    """Claim due bulletins with a conditional UPDATE and queue each after commit.

    Side effects: ``queue(pk)`` (generation) once per claimed bulletin, after its claim
    commits. Running it twice claims nothing the second time.
    """
    now = now or timezone.now()
    due = Bulletin.objects.filter(
        Q(state=Bulletin.State.SCHEDULED) | Q(state=Bulletin.State.GENERATING, claimed_at__lt=now - STALE_CLAIM),
        scheduled_at__lte=now,
    ).values_list("pk", "state", "claimed_at")
    claimed = []
    for pk, state, claimed_at in due:
        with transaction.atomic():
            won = (
                Bulletin.objects.filter(pk=pk, state=state, claimed_at=claimed_at).update(
                    state=Bulletin.State.GENERATING, claimed_at=now
                )
                == 1
            )
            if won:
                claimed.append(pk)
                transaction.on_commit(lambda pk=pk: queue(pk))
    return claimed


def bulletin_snapshot(bulletin: Bulletin) -> dict:
    """Completion per college at this moment, as plain JSON: the dashboard's numbers."""
    rows = stats.college_counts(Check.objects.filter(campaign=bulletin.campaign))
    overall = stats.sum_counts(rows)
    return {
        "colleges": [
            {"code": r["code"], "name": r["name"], "total": r["total"], "done": r["done"], "rate": float(r["rate"])}
            for r in rows
        ],
        "total": overall["total"],
        "done": overall["done"],
        "rate": float(overall["rate"]),
    }


def bulletin_generate(bulletin: Bulletin) -> str:
    """Freeze the numbers and the spreadsheet of one claimed bulletin; idempotent.

    Side effects: writes the spreadsheet file and an audit event.
    """
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.state == Bulletin.State.PUBLISHED:
            return "already"
        snapshot = bulletin_snapshot(locked)
        ranked = stats.ranked([dict(row) for row in snapshot["colleges"]])
        content = render_xlsx(
            ["名次", "学院代码", "学院", "学生数", "已核对", "完成率(%)"],
            ([r["rank"], r["code"], r["name"], r["total"], r["done"], r["rate"]] for r in ranked),
            sheet_title=locked.title or f"第{locked.sequence}次通报",
        )
        locked.snapshot = snapshot
        locked.generated_at = timezone.now()
        locked.state = Bulletin.State.PUBLISHED
        locked.spreadsheet.save(f"{locked.campaign.slug}-{locked.sequence}.xlsx", ContentFile(content), save=False)
        locked.save()
        audit_record(actor=None, action="bulletin.publish", target=locked, changes={"rate": [None, snapshot["rate"]]})
    return "published"


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
