"""The forecast: at the recent pace, the day a college reaches the target, or a flag."""

from datetime import date, timedelta
from decimal import Decimal

from selfcheck.forecast import PACE_DAYS, college_forecasts, forecast

OPENS, CLOSES, TODAY = date(2026, 10, 20), date(2026, 11, 7), date(2026, 10, 30)


def _days(*counts):
    """Completions on the last len(counts) days up to TODAY."""
    return {TODAY - timedelta(days=len(counts) - 1 - i): n for i, n in enumerate(counts)}


def _f(total, done, per_day, target=100, today=TODAY):
    return forecast(total=total, done=done, per_day=per_day, target_rate=Decimal(target),
                    opens_on=OPENS, closes_on=CLOSES, today=today)  # fmt: skip


def test_the_pace_is_the_average_of_the_last_days_and_gives_the_date():
    result = _f(100, 60, {OPENS: 40, **_days(4, 4, 4, 4, 4)})  # 40 still needed at 4 a day
    assert result.pace == Decimal("4.0") and result.recent == (4, 4, 4, 4, 4) and len(result.recent) == PACE_DAYS
    assert result.eta == TODAY + timedelta(days=10) and result.late is True and result.needed == 40


def test_a_college_on_track_is_not_flagged_and_the_target_rate_counts():
    result = _f(100, 80, _days(3, 5, 2, 6, 4), target=95)  # 15 needed at 4 a day: 4 days
    assert (result.eta, result.late, result.reached) == (TODAY + timedelta(days=4), False, False)


def test_no_progress_lately_is_flagged_and_a_reached_target_is_said_so():
    stalled = _f(100, 50, {OPENS: 50})
    assert stalled.eta is None and stalled.late is True and stalled.pace == 0
    assert _f(100, 100, {}).reached is True


def test_before_the_window_opens_nothing_is_flagged():
    early = _f(100, 0, {}, today=OPENS - timedelta(days=3))
    assert early.recent == () and early.late is False and early.eta is None


def test_colleges_in_trouble_come_first():
    class Campaign:
        target_rate, opens_on, closes_on = Decimal(100), OPENS, CLOSES

    rows = [
        {"college_id": 1, "code": "01", "total": 10, "done": 10},
        {"college_id": 2, "code": "02", "total": 10, "done": 5},
        {"college_id": 3, "code": "03", "total": 10, "done": 8},
    ]
    per_college = {2: {OPENS: 5}, 3: _days(1, 1, 1, 1, 1)}
    ordered = college_forecasts(rows, per_college, Campaign, TODAY)
    assert [r["code"] for r in ordered] == ["02", "03", "01"]
