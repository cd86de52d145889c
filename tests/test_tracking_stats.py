"""Aggregates for the dashboards and the campaign_status command: right numbers, one query each."""

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from selfcheck import selectors, stats
from selfcheck.models import Check
from tests.factories import make_check, make_student


def _at(day, hour=12):
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def _set(student, status, *, completed=None, **fields):
    Check.objects.filter(student=student).update(status=status, completed_at=completed, **fields)


@pytest.fixture
def school(campaign, college_a, college_b, student_a, student_b):
    """Six students in A, two in B, in several states."""
    today = timezone.localdate()
    extra_a = [make_student(college_a, class_name=f"软件260{i % 2 + 1}") for i in range(4)]
    extra_b = [make_student(college_b, major="英语", class_name="英语2601")]
    for student in extra_a + extra_b:
        make_check(campaign, student)
    _set(student_a, Check.Status.CONFIRMED, completed=_at(campaign.opens_on))
    _set(extra_a[0], Check.Status.DISCREPANCY, completed=_at(today))
    _set(extra_a[1], Check.Status.BLOCKED, blocked_reason="phone_taken")
    _set(extra_a[2], Check.Status.MISSING)
    _set(student_b, Check.Status.CONFIRMED, completed=_at(campaign.opens_on + timedelta(days=1)))
    return {"a": [student_a, *extra_a], "b": [student_b, *extra_b]}


def test_status_counts_in_one_query(campaign, school, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = stats.status_counts(Check.objects.filter(campaign=campaign))
    assert counts["total"] == 7
    assert counts["confirmed"] == 2
    assert counts["discrepancy"] == 1
    assert counts["blocked"] == 1
    assert counts["missing"] == 1
    assert counts["pending"] == 2
    assert counts["done"] == 3
    assert counts["open"] == 4
    assert counts["rate"] == Decimal("42.9")


def test_counts_per_college_in_one_query_and_ranked(campaign, school, college_a, college_b, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = stats.campaign_summary(Check.objects.filter(campaign=campaign))
    by_code = {row["code"]: row for row in summary["colleges"]}
    assert by_code["A01"]["total"] == 5 and by_code["A01"]["done"] == 2 and by_code["A01"]["rate"] == Decimal("40.0")
    assert by_code["B02"]["total"] == 2 and by_code["B02"]["done"] == 1 and by_code["B02"]["rate"] == Decimal("50.0")
    assert [row["code"] for row in summary["colleges"]] == ["B02", "A01"]
    assert [row["rank"] for row in summary["colleges"]] == [1, 2]
    assert summary["overall"]["total"] == 7 and summary["overall"]["done"] == 3


def test_ties_share_a_rank():
    rows = [
        {"code": "X", "rate": Decimal("50.0"), "done": 1},
        {"code": "Y", "rate": Decimal("50.0"), "done": 1},
        {"code": "Z", "rate": Decimal("10.0"), "done": 1},
    ]
    assert [row["rank"] for row in stats.ranked(rows)] == [1, 1, 3]


def test_a_secretarys_counts_cover_only_their_college(campaign, school, secretary_a):
    counts = stats.status_counts(selectors.checks_for(secretary_a, campaign))
    assert counts["total"] == 5
    summary = stats.campaign_summary(selectors.checks_for(secretary_a, campaign))
    assert [row["code"] for row in summary["colleges"]] == ["A01"]


def test_majors_and_classes_from_one_grouped_query(campaign, school, college_a, django_assert_num_queries):
    checks = Check.objects.filter(campaign=campaign, student__college=college_a)
    with django_assert_num_queries(1):
        groups = stats.major_class_counts(checks)
    classes = {row["class_name"]: row for row in stats.group_by(groups, "class_name")}
    majors = stats.group_by(groups, "major")
    assert sum(row["total"] for row in classes.values()) == 5
    assert [row["major"] for row in majors] == ["软件工程"]
    assert majors[0]["done"] == 2
    assert stats.sum_counts(groups)["total"] == 5


def test_daily_trend_is_cumulative_and_ends_with_the_done_count(campaign, school, django_assert_num_queries):
    checks = Check.objects.filter(campaign=campaign)
    with django_assert_num_queries(1):
        trend = stats.daily_trend(checks, campaign, total=7)
    today = timezone.localdate()
    assert trend[0]["day"] == campaign.opens_on
    assert trend[-1]["day"] == today
    assert len(trend) == (today - campaign.opens_on).days + 1
    assert [p["new"] for p in trend] == [1, 1] + [0] * (len(trend) - 3) + [1]
    assert trend[-1]["done"] == 3 == stats.status_counts(checks)["done"]
    assert trend[-1]["rate"] == Decimal("42.9")


def test_the_trend_uses_the_china_calendar_day(campaign, student_a):
    # 23:30 in Beijing is 15:30 UTC the same day; 00:30 in Beijing is the previous day in UTC.
    late = _at(campaign.opens_on, 23).replace(minute=30)
    _set(student_a, Check.Status.CONFIRMED, completed=late + timedelta(hours=1))
    trend = stats.daily_trend(Check.objects.filter(campaign=campaign), campaign, total=1)
    assert trend[0]["new"] == 0 and trend[1]["new"] == 1


def test_the_trend_folds_early_completions_into_the_first_day_and_skips_undone_checks(campaign, student_a, student_b):
    _set(student_a, Check.Status.CONFIRMED, completed=_at(campaign.opens_on - timedelta(days=5)))
    # Done once, then the student reported a login problem: no longer counted.
    _set(student_b, Check.Status.BLOCKED, completed=_at(campaign.opens_on), blocked_reason="other")
    trend = stats.daily_trend(Check.objects.filter(campaign=campaign), campaign, total=2)
    assert trend[0]["done"] == 1
    assert trend[-1]["done"] == 1


def test_the_trend_stops_at_the_closing_date(campaign, student_a):
    today = timezone.localdate()
    campaign.opens_on, campaign.closes_on = today - timedelta(days=10), today - timedelta(days=4)
    campaign.save()
    trend = stats.daily_trend(Check.objects.filter(campaign=campaign), campaign, total=1)
    assert trend[-1]["day"] == campaign.closes_on
    assert len(trend) == 7


def test_no_trend_before_the_window_opens(campaign, student_a):
    today = timezone.localdate()
    campaign.opens_on, campaign.closes_on = today + timedelta(days=1), today + timedelta(days=5)
    campaign.save()
    assert stats.daily_trend(Check.objects.filter(campaign=campaign), campaign, total=1) == []


@pytest.mark.parametrize(
    ("total", "done", "target", "short"),
    [(100, 90, "95", 5), (100, 96, "95", 0), (3, 2, "100", 1), (7, 0, "95", 7), (0, 0, "100", 0)],
)
def test_short_of_target(total, done, target, short):
    counts = {"total": total, "done": done}
    assert stats.short_of_target(counts, Decimal(target)) == short


def test_rate_rounds_half_up_to_one_decimal():
    assert stats.rate(1, 8) == Decimal("12.5")
    assert stats.rate(1, 3) == Decimal("33.3")
    assert stats.rate(2, 3) == Decimal("66.7")
    assert stats.rate(0, 0) == Decimal("0.0")


# --- the command -----------------------------------------------------------------------


def test_campaign_status_json_matches_the_dashboard(client, registrar, campaign, school):
    out = StringIO()
    call_command("campaign_status", campaign.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    client.force_login(registrar)
    context = client.get(reverse("campaign_dashboard", args=[campaign.slug])).context
    overall = context["overall"]
    assert data["total"] == overall["total"] == 7
    assert data["done"] == overall["done"]
    assert data["rate"] == float(overall["rate"]) == 42.9
    assert data["by_status"] == {status: overall[status] for status in stats.STATUSES}
    dashboard = {row["code"]: row for row in context["colleges"]}
    assert [c["code"] for c in data["colleges"]] == [row["code"] for row in context["colleges"]]
    for college in data["colleges"]:
        row = dashboard[college["code"]]
        assert college["total"] == row["total"]
        assert college["rate"] == float(row["rate"])
        assert college["rank"] == row["rank"]
        assert college["by_status"] == {status: row[status] for status in stats.STATUSES}


def test_campaign_status_prints_a_table_without_json(campaign, school):
    out = StringIO()
    call_command("campaign_status", campaign.slug, stdout=out)
    text = out.getvalue()
    assert "ALL" in text and "计算机学院" in text and "42.9" in text


def test_campaign_status_of_an_unknown_campaign_fails_clearly(db):
    with pytest.raises(CommandError, match="no campaign"):
        call_command("campaign_status", "nope", "--json")
