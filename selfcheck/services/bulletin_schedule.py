"""A campaign's bulletin schedule: the dated bulletins staff add, move or remove.

A bulletin that is being generated or is published is frozen: never changed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from selfcheck.models import Bulletin, Campaign
from selfcheck.services.bulletins import outside_window

FROZEN_BULLETIN_STATES = (Bulletin.State.GENERATING, Bulletin.State.PUBLISHED)


class CampaignError(Exception):
    """A campaign change that is not allowed; the message is shown to the user as is."""


@dataclass(frozen=True)
class BulletinRow:
    """One wanted bulletin: ``sequence`` names an existing one, None asks for a new one."""

    scheduled_at: datetime
    title: str = ""
    sequence: int | None = None
    confirm_outside: bool = False


def _refuse_outside_window(campaign: Campaign, row: BulletinRow) -> None:
    if outside_window(campaign, row.scheduled_at) and not row.confirm_outside:
        raise CampaignError(
            _("通报时间 %(time)s 不在活动期间（%(opens)s 至 %(closes)s）内，如确需安排请勾选确认。")
            % {
                "time": f"{timezone.localtime(row.scheduled_at):%Y-%m-%d %H:%M}",
                "opens": f"{campaign.opens_on:%Y-%m-%d}",
                "closes": f"{campaign.closes_on:%Y-%m-%d}",
            }
        )


def bulletin_schedule_apply(campaign: Campaign, rows: list[BulletinRow], *, now: datetime) -> dict[str, list]:
    """Make the campaign's unfrozen bulletins match ``rows``; returns what changed."""
    existing = {b.sequence: b for b in Bulletin.objects.select_for_update().filter(campaign=campaign)}
    changed: dict[str, list] = {"added": [], "changed": [], "removed": []}
    wanted: dict[int, BulletinRow] = {}
    new_rows = []
    for row in rows:
        if row.sequence is None:
            new_rows.append(row)
            continue
        bulletin = existing.get(row.sequence)
        if bulletin is None:
            raise CampaignError(_("第%(n)s次通报已不存在，请刷新页面后重试。") % {"n": row.sequence})
        if bulletin.state in FROZEN_BULLETIN_STATES:
            if bulletin.scheduled_at != row.scheduled_at or (row.title and row.title != bulletin.title):
                raise CampaignError(_("第%(n)s次通报已发布或正在生成，不能修改。") % {"n": row.sequence})
            continue
        wanted[row.sequence] = row

    for sequence, bulletin in existing.items():
        if bulletin.state in FROZEN_BULLETIN_STATES or sequence in wanted:
            continue
        bulletin.delete()
        changed["removed"].append(sequence)

    for sequence, row in wanted.items():
        bulletin = existing[sequence]
        title = row.title or bulletin.title or f"第{sequence}次进度通报"
        if bulletin.scheduled_at == row.scheduled_at and bulletin.title == title:
            continue
        if bulletin.scheduled_at != row.scheduled_at and row.scheduled_at <= now:
            raise CampaignError(_("第%(n)s次通报的时间已过，请选择以后的时间。") % {"n": sequence})
        if bulletin.scheduled_at != row.scheduled_at:
            _refuse_outside_window(campaign, row)
        bulletin.scheduled_at = row.scheduled_at
        bulletin.title = title
        # A failed bulletin that is rescheduled gets another go.
        bulletin.state = Bulletin.State.SCHEDULED
        bulletin.claimed_at = None
        bulletin.save(update_fields=["scheduled_at", "title", "state", "claimed_at"])
        changed["changed"].append(sequence)

    next_sequence = max(existing, default=0) + 1
    for row in sorted(new_rows, key=lambda r: r.scheduled_at):
        if row.scheduled_at <= now:
            raise CampaignError(
                _("通报时间 %(time)s 已过，请选择以后的时间。")
                % {"time": f"{timezone.localtime(row.scheduled_at):%Y-%m-%d %H:%M}"}
            )
        _refuse_outside_window(campaign, row)
        Bulletin.objects.create(
            campaign=campaign,
            sequence=next_sequence,
            title=row.title or f"第{next_sequence}次进度通报",
            scheduled_at=row.scheduled_at,
        )
        changed["added"].append(next_sequence)
        next_sequence += 1
    return {key: value for key, value in changed.items() if value}
