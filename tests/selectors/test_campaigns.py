"""Which campaign a page shows by default: the one open now, never a draft."""

from datetime import date, timedelta

import pytest

from selfcheck.models import Campaign
from selfcheck.selectors.campaigns import current_campaign, open_overlaps, pick_campaign

TODAY = date(2026, 11, 1)


def _c(slug, state, opens, closes, **extra):
    return Campaign(slug=slug, name=slug, cohort=2026, state=state, opens_on=opens, closes_on=closes, **extra)


def test_the_campaign_open_now_wins_over_a_newer_draft_and_a_future_open_one():
    running = _c("running", "open", TODAY - timedelta(days=5), TODAY + timedelta(days=5))
    draft = _c("draft", "draft", TODAY + timedelta(days=1), TODAY + timedelta(days=20))
    future = _c("future", "open", TODAY + timedelta(days=3), TODAY + timedelta(days=30))
    assert current_campaign([draft, future, running], TODAY) is running


def test_without_one_open_now_the_most_recent_open_then_closed_never_a_draft():
    later = _c("later", "open", TODAY + timedelta(days=3), TODAY + timedelta(days=30))
    closed = _c("closed", "closed", TODAY - timedelta(days=90), TODAY - timedelta(days=60))
    draft = _c("draft", "draft", TODAY, TODAY + timedelta(days=20))
    assert current_campaign([draft, closed, later], TODAY) is later
    assert current_campaign([draft, closed], TODAY) is closed
    assert current_campaign([draft], TODAY) is None


def test_pick_campaign_honours_the_switcher_and_flags_an_unknown_slug():
    a = _c("a", "open", TODAY - timedelta(days=5), TODAY + timedelta(days=5))
    b = _c("b", "closed", TODAY - timedelta(days=90), TODAY - timedelta(days=60))
    assert pick_campaign([a, b], "b") == (b, False)
    assert pick_campaign([a, b], "zzz")[1] is True


@pytest.mark.django_db
def test_open_overlaps_are_same_cohort_and_kind_only(campaign):
    twin = Campaign.objects.create(
        slug="twin", name="twin", cohort=campaign.cohort, opens_on=campaign.opens_on, closes_on=campaign.closes_on
    )
    Campaign.objects.create(
        slug="other-kind", name="x", cohort=campaign.cohort, kind="pregrad", state="open",
        opens_on=campaign.opens_on, closes_on=campaign.closes_on,
    )  # fmt: skip
    assert list(open_overlaps(twin)) == [campaign]
