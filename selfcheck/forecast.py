"""When each college reaches the campaign's target at its current pace.

Pure arithmetic over counts the dashboards already hold (per college: total and done,
and completions per day), so a forecast costs no query of its own. The pace is the
average number of completions per day over the last ``PACE_DAYS`` days of the window
so far (fewer at the start of the campaign).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

PACE_DAYS = 5


@dataclass(frozen=True)
class Forecast:
    total: int
    done: int
    needed: int  # completions still missing to reach the target
    pace: Decimal  # completions per day, recent average
    eta: date | None  # the day the target is reached at this pace; None if never
    reached: bool
    late: bool  # will not reach the target by the closing date at this pace
    recent: tuple[int, ...]  # completions per day, oldest first, the last PACE_DAYS days


def forecast(
    *, total: int, done: int, per_day: dict[date, int], target_rate, opens_on: date, closes_on: date, today: date
) -> Forecast:
    """The forecast of one college (or the whole campaign) from its counts and daily completions."""
    needed = max(math.ceil(Decimal(total) * Decimal(target_rate) / 100) - done, 0)
    last = min(today, closes_on)
    first = max(opens_on, last - timedelta(days=PACE_DAYS - 1))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)] if last >= opens_on else []
    recent = tuple(per_day.get(day, 0) for day in days)
    pace = (Decimal(sum(recent)) / len(recent)).quantize(Decimal("0.1"), ROUND_HALF_UP) if recent else Decimal(0)
    if needed == 0:
        return Forecast(total, done, 0, pace, today, True, False, recent)
    if not recent:  # the window has not opened yet: no pace to speak of
        return Forecast(total, done, needed, pace, None, False, False, recent)
    if not sum(recent):
        return Forecast(total, done, needed, pace, None, False, True, recent)
    exact_pace = Decimal(sum(recent)) / len(recent)
    eta = today + timedelta(days=math.ceil(Decimal(needed) / exact_pace))
    return Forecast(total, done, needed, pace, eta, False, eta > closes_on, recent)


def college_forecasts(
    colleges: list[dict], per_college: dict[int, dict[date, int]], campaign, today: date
) -> list[dict]:
    """Each college row with its forecast at the current pace, latest first."""
    rows = []
    for row in colleges:
        outlook = forecast(
            total=row["total"], done=row["done"], per_day=per_college.get(row["college_id"], {}),
            target_rate=campaign.target_rate, opens_on=campaign.opens_on, closes_on=campaign.closes_on, today=today,
        )  # fmt: skip
        rows.append({**row, "forecast": outlook})
    never = date.max
    # Those in trouble first: never at this pace, then the latest arrival; reached last.
    return sorted(rows, key=lambda r: (r["forecast"].reached, -(r["forecast"].eta or never).toordinal()))
