"""A campaign's bulletins from the command line: list them, add one, or produce one now."""

from __future__ import annotations

import json as jsonlib
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import Bulletin, Campaign
from selfcheck.services.bulletins import BulletinError, bulletin_generate, bulletin_publish_now, bulletin_schedule
from selfcheck.tasks.bulletins import queue_mail


def _path(field) -> str | None:
    return field.path if field else None


def _row(bulletin: Bulletin) -> dict:
    overall = bulletin.snapshot.get("overall", {}) if bulletin.state == Bulletin.State.PUBLISHED else {}
    return {
        "sequence": bulletin.sequence,
        "title": bulletin.title,
        "scheduled_at": timezone.localtime(bulletin.scheduled_at).isoformat(),
        "state": bulletin.state,
        "produced_at": timezone.localtime(bulletin.generated_at).isoformat() if bulletin.generated_at else None,
        "rate": overall.get("rate"),
        "page": reverse("bulletin_detail", args=[bulletin.campaign.slug, bulletin.sequence]),
        "docx": _path(bulletin.document),
        "xlsx": _path(bulletin.spreadsheet),
        "error": bulletin.snapshot.get("error", "") if bulletin.state == Bulletin.State.FAILED else "",
    }


class Command(BaseCommand):
    help = "List a campaign's bulletins; add one (--add) or produce one now in this process (--publish-now)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug, e.g. demo")
        parser.add_argument("--add", metavar="YYYY-MM-DD HH:MM", help="schedule a bulletin at this local time")
        parser.add_argument(
            "--outside-window", action="store_true", help="confirm an --add time outside the campaign's window"
        )
        parser.add_argument("--publish-now", action="store_true", help="produce an extra bulletin now, in process")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, slug, add=None, outside_window=False, publish_now=False, json=False, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign with slug {slug!r}")
        result = {"campaign": campaign.slug, "name": campaign.name, "state": campaign.state}
        try:
            if add:
                try:
                    when = timezone.make_aware(datetime.strptime(add, "%Y-%m-%d %H:%M"))
                except ValueError:
                    raise CommandError(f"--add {add!r}: expected YYYY-MM-DD HH:MM") from None
                added = bulletin_schedule(campaign, scheduled_at=when, by=None, confirm_outside=outside_window)
                result["added"] = added.sequence
            if publish_now:
                bulletin = bulletin_publish_now(campaign, by=None)
                outcome = bulletin_generate(bulletin, on_published=queue_mail)
                result["published"] = {"sequence": bulletin.sequence, "outcome": outcome}
                if outcome != "published":
                    raise CommandError(f"bulletin {bulletin.sequence}: {outcome}")
        except BulletinError as exc:
            raise CommandError(str(exc)) from None
        bulletins = Bulletin.objects.filter(campaign=campaign).select_related("campaign").order_by("sequence")
        result["bulletins"] = [_row(b) for b in bulletins]
        if json:
            self.stdout.write(jsonlib.dumps(result, ensure_ascii=False, indent=2))
            return
        for row in result["bulletins"]:
            rate = "—" if row["rate"] is None else f"{row['rate']:.1f}%"
            self.stdout.write(
                f"#{row['sequence']:<3} {row['state']:<10} {row['scheduled_at'][:16]}  "
                f"{(row['produced_at'] or '—')[:16]:<16} {rate:>6}  {row['title']}"
            )
            for key in ("docx", "xlsx"):
                if row[key]:
                    self.stdout.write(f"      {key}: {row[key]}")
