"""Aggregate reads for the tracking dashboards and the ``campaign_status`` command.

Every function takes a queryset of checks that the caller has already scoped with
``selectors.checks_for`` (or, for commands acting for the whole office, all checks of
a campaign), so scoping stays in one place. Counting happens in the database: each
function is one query whatever the number of students, and the Python that follows
only walks the grouped rows (colleges, classes, days), never the students.

Counting still reads every check of the campaign (a join of checks and students), so
its cost grows with the school. Dashboards therefore keep their aggregates in the
cache for ``CACHE_SECONDS``; any change of a check through the services calls
``invalidate`` after commit, so what a user just did shows at once, and changes made
elsewhere (bulk imports that write directly) show within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from selfcheck.models import Campaign, Check

STATUSES: tuple[str, ...] = tuple(Check.Status.values)
DONE: tuple[str, ...] = tuple(str(s) for s in Check.DONE)
# Statuses a college still has to chase: nobody has looked at the record yet.
OPEN_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s not in DONE)


def rate(done: int, total: int) -> Decimal:
    """Completion in percent with one decimal, 0 when there is nothing to complete."""
    if not total:
        return Decimal("0.0")
    return (Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _status_aggregates() -> dict:
    aggregates = {"total": Count("id")}
    for status in STATUSES:
        aggregates[status] = Count("id", filter=Q(status=status))
    return aggregates


def _finish(row: dict) -> dict:
    """Add done, open and rate to a row holding ``total`` and one count per status."""
    row["done"] = sum(row[status] for status in DONE)
    row["open"] = row["total"] - row["done"]
    row["rate"] = rate(row["done"], row["total"])
    return row


def empty_counts() -> dict:
    return _finish({"total": 0, **dict.fromkeys(STATUSES, 0)})


def sum_counts(rows: Iterable[dict]) -> dict:
    """The counts of several grouped rows added up (colleges into a campaign, ...)."""
    total = empty_counts()
    for row in rows:
        total["total"] += row["total"]
        for status in STATUSES:
            total[status] += row[status]
    return _finish(total)


def status_counts(checks: QuerySet[Check]) -> dict:
    """``{"total", <status>..., "done", "open", "rate"}`` in one query."""
    return _finish(checks.order_by().aggregate(**_status_aggregates()))


def college_counts(checks: QuerySet[Check]) -> list[dict]:
    """Counts per college, ordered by college code; one query."""
    rows = (
        checks.order_by()
        .values("college_id", "college__code", "college__name")
        .annotate(**_status_aggregates())
        .order_by("college__code")
    )
    return [
        _finish(
            {
                "college_id": row.pop("college_id"),
                "code": row.pop("college__code"),
                "name": row.pop("college__name"),
                **row,
            }
        )
        for row in rows
    ]


def ranked(rows: list[dict]) -> list[dict]:
    """Rows ordered by completion, best first, each with its ``rank`` (ties share one)."""
    ordered = sorted(rows, key=lambda row: (-row["rate"], -row["done"], row.get("code", "")))
    previous = None
    for position, row in enumerate(ordered, start=1):
        if previous is not None and row["rate"] == previous["rate"]:
            row["rank"] = previous["rank"]
        else:
            row["rank"] = position
        previous = row
    return ordered


def major_class_counts(checks: QuerySet[Check]) -> list[dict]:
    """Counts per (major, class) pair, the finest grouping a college page needs; one query."""
    rows = (
        checks.order_by()
        .values("student__major", "student__class_name")
        .annotate(**_status_aggregates())
        .order_by("student__major", "student__class_name")
    )
    return [
        _finish({"major": row.pop("student__major"), "class_name": row.pop("student__class_name"), **row})
        for row in rows
    ]


def group_by(rows: Iterable[dict], key: str) -> list[dict]:
    """Fold grouped rows further, e.g. (major, class) rows into majors or into classes."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return [dict(sum_counts(members), **{key: value}) for value, members in sorted(groups.items())]


def trend_end(campaign: Campaign, today: date | None = None) -> date:
    return min(today or timezone.localdate(), campaign.closes_on)


def daily_trend(checks: QuerySet[Check], campaign: Campaign, *, total: int, today: date | None = None) -> list[dict]:
    """One point per day of the window so far: completions that day and cumulative.

    A check counts from the day it was first completed and only while it is still
    done, so the last point equals the done count shown beside the chart. Checks
    completed before the window opened (an early CHSI list import) count on the first
    day; those completed after the last day shown are not in the chart.
    """
    end = trend_end(campaign, today)
    if end < campaign.opens_on:
        return []
    tz = ZoneInfo(settings.TIME_ZONE)
    per_day = dict(
        checks.filter(status__in=DONE, completed_at__isnull=False)
        .order_by()
        .annotate(day=TruncDate("completed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return trend_points(per_day, campaign, total=total, end=end)


def trend_points(per_day: dict, campaign: Campaign, *, total: int, end: date) -> list[dict]:
    """The daily points from completions per day (see ``daily_trend``)."""
    points = []
    cumulative = sum(n for day, n in per_day.items() if day < campaign.opens_on)
    day = campaign.opens_on
    while day <= end:
        new = per_day.get(day, 0)
        cumulative += new
        points.append({"day": day, "new": new, "done": cumulative, "rate": rate(cumulative, total)})
        day += timedelta(days=1)
    return points


def campaign_summary(checks: QuerySet[Check]) -> dict:
    """Overall and per-college counts in one query: what the dashboard and the command show."""
    colleges = college_counts(checks)
    return {"overall": sum_counts(colleges), "colleges": ranked(colleges)}


def short_of_target(counts: dict, target_rate: Decimal) -> int:
    """How many more students must finish for the rate to reach the target."""
    needed = math.ceil(Decimal(counts["total"]) * Decimal(target_rate) / 100)
    return max(needed - counts["done"], 0)


# --- short-lived cache of dashboard aggregates ------------------------------------------

CACHE_SECONDS = 30


def _version_key(campaign_id: int, part: str) -> str:
    return f"selfcheck:stats:{campaign_id}:{part}"


def invalidate(campaign_id: int, college_id: int | None = None) -> None:
    """Forget cached aggregates after a committed change.

    With ``college_id`` (one student's check changed) only that college's page and the
    campaign-wide dashboard are recomputed, so during a busy campaign the other
    colleges keep their cached numbers. Without it (bulk changes) everything is.
    """
    # Fresh versions rather than deleted keys: entries of old versions are simply
    # never read again, even when several processes share the cache.
    stamp = time.time_ns()
    if college_id is None:
        cache.set(_version_key(campaign_id, "all"), stamp, None)
    else:
        cache.set_many(
            {_version_key(campaign_id, f"college:{college_id}"): stamp, _version_key(campaign_id, "campaign"): stamp},
            None,
        )


def _versions(campaign_id: int, part: str) -> tuple:
    keys = [_version_key(campaign_id, "all"), _version_key(campaign_id, part)]
    found = cache.get_many(keys)
    missing = {key: time.time_ns() for key in keys if key not in found}
    if missing:
        for key, stamp in missing.items():
            cache.add(key, stamp, None)
        found = {**missing, **cache.get_many(keys)}
    return tuple(found[key] for key in keys)


def cached(campaign: Campaign, compute: Callable[[], dict], *, college_id: int | None = None) -> dict:
    """``compute()`` for the whole campaign or one of its colleges, kept ``CACHE_SECONDS``.

    The caller must have reached the campaign or college through the scoped selectors
    and computed from all of its checks: everyone allowed to see a college sees all of
    it, so one cached value serves the registrar and the college's secretaries alike.
    """
    part = f"college:{college_id}" if college_id is not None else "campaign"
    versions = _versions(campaign.pk, part)
    key = f"selfcheck:stats:{campaign.pk}:{part}:" + ":".join(str(v) for v in versions)
    value = cache.get(key)
    if value is None:
        value = dict(compute(), computed_at=timezone.now())
        cache.set(key, value, CACHE_SECONDS)
    return value


def campaign_overview(checks: QuerySet[Check], campaign: Campaign) -> dict:
    """What the registrar's dashboard shows: overall, ranked colleges, daily trend (two queries)."""
    summary = campaign_summary(checks)
    trend = daily_trend(checks, campaign, total=summary["overall"]["total"])
    return {**summary, "trend": trend}


def college_overview(checks: QuerySet[Check], campaign: Campaign) -> dict:
    """What a college page shows: counts, by major, by class, daily trend (two queries)."""
    groups = major_class_counts(checks)
    counts = sum_counts(groups)
    return {
        "counts": counts,
        "majors": group_by(groups, "major"),
        "classes": group_by(groups, "class_name"),
        "trend": daily_trend(checks, campaign, total=counts["total"]),
    }
