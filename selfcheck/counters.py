"""The dashboards' counts per (campaign, college, major, class, status, day of completion).

Dashboards read ``CheckCount`` (a few hundred rows per campaign) instead of counting
100,000 checks, so a cold render costs the same at any size. ``check_set_status``
moves one check with ``counts_move`` in its transaction; writers of many checks or
students (imports, opening a campaign, moving students, demo data) call
``counts_rebuild`` in theirs. ``counts_drift`` recounts from the checks for
``campaign_status --verify``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from selfcheck import stats
from selfcheck.forecast import college_forecasts, forecast
from selfcheck.models import Campaign, Check, CheckCount

Key = tuple  # (college_id, major, class_name, status, day)


def day_of(status: str, completed_at) -> date | None:
    """The local day a done check counts on in the trend; None for other statuses."""
    if status not in Check.DONE or completed_at is None:
        return None
    return timezone.localtime(completed_at).date()


def _bump(campaign_id, college_id, major, class_name, status, day, delta: int) -> None:
    key = {"campaign_id": campaign_id, "college_id": college_id, "major": major or "",
           "class_name": class_name or "", "status": status, "day": day}  # fmt: skip
    if not CheckCount.objects.filter(**key).update(n=F("n") + delta):
        CheckCount.objects.create(**key, n=delta)


def counts_move(check: Check, *, old_status: str, old_completed_at) -> None:
    """One check left (old status, day) for its current ones; call in the writer's transaction.

    ``check.student`` should be loaded (its major and class are part of the key).
    """
    student = check.student
    common = (check.campaign_id, check.college_id, student.major, student.class_name)
    old = (old_status, day_of(old_status, old_completed_at))
    new = (check.status, day_of(check.status, check.completed_at))
    if old != new:
        _bump(*common, *old, -1)
        _bump(*common, *new, 1)


def recount(campaign_id: int) -> Counter:
    """The counts as the checks say, in one grouped query."""
    tz = ZoneInfo(settings.TIME_ZONE)
    rows = (
        Check.objects.filter(campaign_id=campaign_id)
        .order_by()
        .values("college_id", "student__major", "student__class_name", "status")
        .annotate(day=TruncDate("completed_at", tzinfo=tz), n=Count("id"))
        .values_list("college_id", "student__major", "student__class_name", "status", "day", "n")
    )
    counts: Counter = Counter()
    for college_id, major, class_name, status, day, n in rows:
        counts[(college_id, major or "", class_name or "", status, day if status in Check.DONE else None)] += n
    return counts


def stored(campaign_id: int) -> Counter:
    rows = (
        CheckCount.objects.filter(campaign_id=campaign_id)
        .values_list("college_id", "major", "class_name", "status", "day")
        .annotate(total=Sum("n"))
    )
    return Counter({tuple(row[:5]): row[5] for row in rows if row[5]})


def counts_rebuild(campaign_ids: Iterable[int]) -> None:
    """Recount the campaigns from their checks; call inside the transaction of a bulk write."""
    with transaction.atomic():
        for campaign_id in sorted(set(campaign_ids)):
            # Serialise with other rebuilds of the campaign (the row lock), then replace.
            list(Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("pk"))
            CheckCount.objects.filter(campaign_id=campaign_id).delete()
            CheckCount.objects.bulk_create(
                [
                    CheckCount(
                        campaign_id=campaign_id,
                        college_id=key[0],
                        major=key[1],
                        class_name=key[2],
                        status=key[3],
                        day=key[4],
                        n=n,
                    )
                    for key, n in recount(campaign_id).items()
                ],  # fmt: skip
                batch_size=2000,
            )


def counts_rebuild_for_students(student_ids: Iterable[int]) -> None:
    """Rebuild every campaign that has a check of these students (their college, major or class changed)."""
    ids = list(student_ids)
    campaigns = set()
    for start in range(0, len(ids), 5000):
        campaigns.update(
            Check.objects.filter(student_id__in=ids[start : start + 5000]).values_list("campaign_id", flat=True)
        )
    counts_rebuild(campaigns)


def counts_drift(campaign_id: int) -> list[dict]:
    """Where the stored counts differ from a recount: ``[{"key", "stored", "actual"}]``."""
    actual, kept = recount(campaign_id), stored(campaign_id)
    drift = []
    for key in sorted(set(actual) | set(kept), key=str):
        if actual.get(key, 0) != kept.get(key, 0):
            college_id, major, class_name, status, day = key
            drift.append({
                "college_id": college_id, "major": major, "class_name": class_name, "status": status,
                "day": day.isoformat() if day else None, "stored": kept.get(key, 0), "actual": actual.get(key, 0),
            })  # fmt: skip
    return drift


# --- what the dashboards read ---------------------------------------------------------------


def _fold(rows, key_names: tuple[str, ...]) -> list[dict]:
    """Rows of (key..., status, n) into one row per key with a count per status."""
    folded: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in key_names)
        target = folded.get(key)
        if target is None:
            target = folded[key] = {**dict(zip(key_names, key, strict=True)), "total": 0,
                                    **dict.fromkeys(stats.STATUSES, 0)}  # fmt: skip
        target[row["status"]] += row["n"]
        target["total"] += row["n"]
    return [stats._finish(row) for row in folded.values()]


def college_counts(campaign: Campaign) -> list[dict]:
    """Like ``stats.college_counts`` over all the campaign's checks, from the counts; one query."""
    rows = (
        CheckCount.objects.filter(campaign=campaign)
        .values("college_id", "college__code", "college__name", "status")
        .annotate(n=Sum("n"))
        .order_by("college__code")
    )
    folded = _fold(rows, ("college_id", "college__code", "college__name"))
    for row in folded:
        row["code"], row["name"] = row.pop("college__code"), row.pop("college__name")
    return [row for row in folded if row["total"]]


def _per_day(campaign: Campaign, *fields: str, **filters):
    """Completions still done per day of completion (grouped by ``fields`` first); one query."""
    return (
        CheckCount.objects.filter(campaign=campaign, status__in=stats.DONE, day__isnull=False, **filters)
        .values(*fields, "day")
        .annotate(total=Sum("n"))
        .values_list(*fields, "day", "total")
    )


def _trend(campaign: Campaign, per_day: dict, *, total: int) -> list[dict]:
    end = stats.trend_end(campaign)
    if end < campaign.opens_on:
        return []
    return stats.trend_points(per_day, campaign, total=total, end=end)


def campaign_overview(campaign: Campaign) -> dict:
    """What the registrar's dashboard shows, from the counts (two small queries): overall,
    ranked colleges, the daily trend and each college's forecast."""
    colleges = college_counts(campaign)
    overall = stats.sum_counts(colleges)
    per_college: dict[int, dict[date, int]] = {}
    per_day: dict[date, int] = {}
    for college_id, day, n in _per_day(campaign, "college_id"):
        per_college.setdefault(college_id, {})[day] = n
        per_day[day] = per_day.get(day, 0) + n
    return {
        "overall": overall,
        "colleges": stats.ranked(colleges),
        "trend": _trend(campaign, per_day, total=overall["total"]),
        "forecasts": college_forecasts(colleges, per_college, campaign, timezone.localdate()),
    }


def college_overview(campaign: Campaign, college) -> dict:
    """What a college page shows, from the counts (two small queries), with its forecast."""
    rows = (
        CheckCount.objects.filter(campaign=campaign, college=college)
        .values("major", "class_name", "status")
        .annotate(n=Sum("n"))
        .order_by("major", "class_name")
    )
    groups = [row for row in _fold(rows, ("major", "class_name")) if row["total"]]
    counts = stats.sum_counts(groups)
    per_day = dict(_per_day(campaign, college=college))
    outlook = forecast(
        total=counts["total"], done=counts["done"], per_day=per_day, target_rate=campaign.target_rate,
        opens_on=campaign.opens_on, closes_on=campaign.closes_on, today=timezone.localdate(),
    )  # fmt: skip
    return {
        "counts": counts,
        "majors": stats.group_by(groups, "major"),
        "classes": stats.group_by(groups, "class_name"),
        "trend": _trend(campaign, per_day, total=counts["total"]),
        "forecast": outlook,
    }
