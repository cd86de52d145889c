"""Completion of one campaign, overall and per college, as the registrar's dashboard shows it.

``--verify`` recounts from the checks and compares with the counts the dashboards read
(``CheckCount``): it prints every difference and exits 1 when there is any drift, 0
otherwise; ``--rebuild`` then replaces the counts with the recount.
"""

from __future__ import annotations

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from selfcheck import counters, stats
from selfcheck.models import Campaign, Check, CorrectionRequest
from selfcheck.selectors.corrections import OPEN_STATES


def _counts(row: dict) -> dict:
    return {
        "total": row["total"],
        "by_status": {status: row[status] for status in stats.STATUSES},
        "done": row["done"],
        "open": row["open"],
        "rate": float(row["rate"]),
    }


class Command(BaseCommand):
    help = "Print the counts by status and the completion rates of a campaign, overall and per college."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug, e.g. demo")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--verify", action="store_true", help="recount from the checks; exit 1 if the dashboard counts drifted"
        )
        parser.add_argument("--rebuild", action="store_true", help="replace the dashboard counts with a recount")

    def handle(self, *args, slug, json: bool = False, verify: bool = False, rebuild: bool = False, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign with slug {slug!r}")
        if verify or rebuild:
            return self._verify(campaign, json=json, rebuild=rebuild)
        # The command acts for the registrar office, which sees every check of the campaign.
        summary = stats.campaign_summary(Check.objects.filter(campaign=campaign))
        result = {
            "campaign": campaign.slug,
            "name": campaign.name,
            "state": campaign.state,
            "opens_on": campaign.opens_on.isoformat(),
            "closes_on": campaign.closes_on.isoformat(),
            "target_rate": float(campaign.target_rate),
            **_counts(summary["overall"]),
            "corrections": _correction_counts(campaign),
            "colleges": [
                {"rank": row["rank"], "code": row["code"], "name": row["name"], **_counts(row)}
                for row in summary["colleges"]
            ],
        }
        if json:
            self.stdout.write(_dumps(result))
            return
        self._table(result)

    def _verify(self, campaign: Campaign, *, json: bool, rebuild: bool) -> None:
        drift = counters.counts_drift(campaign.pk)
        if rebuild and drift:
            counters.counts_rebuild([campaign.pk])
        if json:
            self.stdout.write(_dumps({"campaign": campaign.slug, "drift": drift, "rebuilt": bool(rebuild and drift)}))
        elif drift:
            for row in drift:
                self.stdout.write(
                    f"college {row['college_id']} {row['major']} {row['class_name']} {row['status']} "
                    f"{row['day'] or '-'}: counted {row['stored']}, checks say {row['actual']}"
                )
            self.stdout.write(f"{len(drift)} counts drifted" + ("; rebuilt from the checks" if rebuild else ""))
        else:
            self.stdout.write("counts match the checks")
        if drift and not rebuild:
            raise CommandError(f"{len(drift)} dashboard counts differ from the checks", returncode=1)

    def _table(self, result: dict) -> None:
        statuses = stats.STATUSES
        self.stdout.write(
            f"{result['name']} ({result['campaign']}, {result['state']}) "
            f"{result['opens_on']} → {result['closes_on']}, target {result['target_rate']}%"
        )
        header = f"{'#':>3} {'code':<8} {'total':>7} {'done':>7} {'rate%':>6} " + " ".join(f"{s:>11}" for s in statuses)
        self.stdout.write(header)
        for row in result["colleges"]:
            self.stdout.write(
                f"{row['rank']:>3} {row['code']:<8} {row['total']:>7} {row['done']:>7} {row['rate']:>6.1f} "
                + " ".join(f"{row['by_status'][s]:>11}" for s in statuses)
                + f"  {row['name']}"
            )
        self.stdout.write(
            f"{'':>3} {'ALL':<8} {result['total']:>7} {result['done']:>7} {result['rate']:>6.1f} "
            + " ".join(f"{result['by_status'][s]:>11}" for s in statuses)
        )
        open_requests = ", ".join(f"{state} {n}" for state, n in result["corrections"].items())
        self.stdout.write(f"open correction requests: {open_requests}")


def _correction_counts(campaign: Campaign) -> dict[str, int]:
    """Open correction requests of the campaign by state (the registrar office sees them all)."""
    found = dict(
        CorrectionRequest.objects.filter(campaign=campaign, state__in=OPEN_STATES)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: found.get(state, 0) for state in OPEN_STATES}


def _dumps(value) -> str:
    return jsonlib.dumps(value, ensure_ascii=False, indent=2)
