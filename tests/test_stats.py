"""Aggregates for the dashboards: right numbers, one query each."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from selfcheck import selectors, stats
from selfcheck.models import Check
from tests.factories import at_hour, set_status


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
    late = at_hour(campaign.opens_on, 23).replace(minute=30)
    set_status(student_a, Check.Status.CONFIRMED, completed=late + timedelta(hours=1))
    trend = stats.daily_trend(Check.objects.filter(campaign=campaign), campaign, total=1)
    assert trend[0]["new"] == 0 and trend[1]["new"] == 1


def test_the_trend_folds_early_completions_into_the_first_day_and_skips_undone_checks(campaign, student_a, student_b):
    set_status(student_a, Check.Status.CONFIRMED, completed=at_hour(campaign.opens_on - timedelta(days=5)))
    # Done once, then the student reported a login problem: no longer counted.
    set_status(student_b, Check.Status.BLOCKED, completed=at_hour(campaign.opens_on), blocked_reason="other")
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
