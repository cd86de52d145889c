"""Campaign fit: rows whose cohort or level lies outside the campaign's.

A 2024-cohort 专升本 student in a 2026 本科 campaign is still a student of the school,
so the roster writes their record, but they get no Check in this campaign (and the
check list does not change their status) unless staff include them. The preview shows
them as one warning per (cohort, level) with a count.
"""

from __future__ import annotations

from collections import Counter

from selfcheck.models import Campaign, Level


def outside_campaign(campaign: Campaign, cohort, level) -> bool:
    """True when a known cohort or level is not the campaign's; unknown values fit."""
    if cohort is not None and campaign.cohort is not None and int(cohort) != campaign.cohort:
        return True
    return bool(level) and bool(campaign.levels) and level not in campaign.levels


def fit_groups(counts: Counter) -> list[dict]:
    """Counts per (cohort, level), largest first, as the preview and the command line show them."""
    labels = dict(Level.choices)
    return [
        {"cohort": cohort, "level": level, "level_label": str(labels.get(level, level or "")), "count": count}
        for (cohort, level), count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    ]


def campaign_scope(campaign: Campaign) -> dict:
    """The campaign's own cohort and levels, to name them beside the warning."""
    labels = dict(Level.choices)
    return {"cohort": campaign.cohort, "levels": [str(labels.get(level, level)) for level in campaign.levels or []]}
