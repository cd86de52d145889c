"""Campaign services: create, edit, open, close, and the bulletin schedule."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from selfcheck.models import AuditEvent, Bulletin, Campaign, Check
from selfcheck.services.campaigns import (
    DEFAULT_LOGIN_HELP,
    BulletinRow,
    CampaignError,
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_sync_checks,
    campaign_update,
)
from tests.factories import make_student


def _when(days: int, hour: int = 17) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def _fields(**overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "name": "2026级新生学籍自查",
        "kind": Campaign.Kind.FRESHMAN,
        "cohort": 2026,
        "levels": ["bk", "zsb"],
        "opens_on": today,
        "closes_on": today + timedelta(days=14),
        "target_rate": Decimal("100"),
        "instructions": "登录学信网核对",
        "login_help": "",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def draft(registrar):
    return campaign_create(
        by=registrar,
        slug="autumn",
        fields=_fields(),
        bulletins=[BulletinRow(scheduled_at=_when(7), title="第一次进度通报"), BulletinRow(scheduled_at=_when(13))],
    )


def test_create_makes_a_draft_with_its_bulletin_schedule(draft, registrar):
    assert draft.state == Campaign.State.DRAFT
    assert draft.created_by == registrar
    assert draft.login_help == DEFAULT_LOGIN_HELP  # left blank: the standard help
    bulletins = list(draft.bulletins.order_by("sequence"))
    assert [(b.sequence, b.title, b.scheduled_at) for b in bulletins] == [
        (1, "第一次进度通报", _when(7)),
        (2, "第2次进度通报", _when(13)),
    ]
    event = AuditEvent.objects.get(action="campaign.create")
    assert event.actor == registrar and event.changes["cohort"] == [None, 2026]
    assert not draft.checks.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_on": date(2020, 1, 1)}, "截止日期"),
        ({"levels": ["phd"]}, "层次"),
        ({"target_rate": Decimal("120")}, "100"),
    ],
)
def test_create_refuses_bad_settings(registrar, fields, message):
    with pytest.raises(CampaignError, match=message):
        campaign_create(by=registrar, slug="bad", fields=_fields(**fields))
    assert not Campaign.objects.exists()


def test_create_refuses_a_taken_slug(draft, registrar):
    with pytest.raises(CampaignError, match="标识"):
        campaign_create(by=registrar, slug="autumn", fields=_fields())


def test_create_refuses_a_bulletin_in_the_past(registrar):
    with pytest.raises(CampaignError, match="已过"):
        campaign_create(by=registrar, slug="x", fields=_fields(), bulletins=[BulletinRow(scheduled_at=_when(-1))])
    assert not Campaign.objects.exists()


def test_update_changes_settings_and_records_old_and_new(draft, registrar):
    campaign_update(draft, by=registrar, fields={"target_rate": Decimal("95"), "name": "新名称"})
    draft.refresh_from_db()
    assert draft.target_rate == Decimal("95") and draft.name == "新名称"
    event = AuditEvent.objects.get(action="campaign.update")
    assert event.changes["target_rate"] == ["100.00", "95"]
    assert event.changes["name"] == ["2026级新生学籍自查", "新名称"]


def test_update_reschedules_removes_and_adds_unpublished_bulletins(draft, registrar):
    campaign_update(
        draft,
        by=registrar,
        fields={},
        bulletins=[BulletinRow(sequence=1, scheduled_at=_when(8), title="第一次进度通报"),
                   BulletinRow(scheduled_at=_when(12), title="加发通报")],
    )  # fmt: skip
    bulletins = {b.sequence: b for b in draft.bulletins.all()}
    assert set(bulletins) == {1, 3}
    assert bulletins[1].scheduled_at == _when(8)
    assert bulletins[3].title == "加发通报"


def test_a_published_bulletin_is_never_changed_or_removed(draft, registrar):
    published = draft.bulletins.get(sequence=1)
    Bulletin.objects.filter(pk=published.pk).update(state=Bulletin.State.PUBLISHED, snapshot={"rate": 50})
    # Left out of the wanted rows: kept as it is.
    campaign_update(draft, by=registrar, fields={}, bulletins=[])
    assert draft.bulletins.filter(sequence=1, state=Bulletin.State.PUBLISHED).exists()
    assert not draft.bulletins.filter(sequence=2).exists()
    # Asked to move it: refused, and nothing else changes either.
    with pytest.raises(CampaignError, match="已发布"):
        campaign_update(
            draft, by=registrar, fields={"name": "改名"},
            bulletins=[BulletinRow(sequence=1, scheduled_at=_when(9)), BulletinRow(scheduled_at=_when(10))],
        )  # fmt: skip
    published.refresh_from_db()
    assert published.scheduled_at == _when(7) and published.snapshot == {"rate": 50}
    draft.refresh_from_db()
    assert draft.name != "改名"
    assert draft.bulletins.count() == 1


def test_a_bulletin_being_generated_is_frozen_too(draft, registrar):
    Bulletin.objects.filter(campaign=draft, sequence=2).update(state=Bulletin.State.GENERATING)
    campaign_update(draft, by=registrar, fields={}, bulletins=[])
    assert list(draft.bulletins.values_list("sequence", flat=True)) == [2]


def test_a_rescheduled_failed_bulletin_gets_another_go(draft, registrar):
    Bulletin.objects.filter(campaign=draft, sequence=2).update(state=Bulletin.State.FAILED)
    campaign_update(
        draft, by=registrar, fields={},
        bulletins=[BulletinRow(sequence=1, scheduled_at=_when(7), title="第一次进度通报"),
                   BulletinRow(sequence=2, scheduled_at=_when(14))],
    )  # fmt: skip
    assert draft.bulletins.get(sequence=2).state == Bulletin.State.SCHEDULED


def test_a_row_for_a_bulletin_that_is_gone_is_refused(draft, registrar):
    with pytest.raises(CampaignError, match="不存在"):
        campaign_update(draft, by=registrar, fields={}, bulletins=[BulletinRow(sequence=9, scheduled_at=_when(9))])


@pytest.fixture
def cohort(college_a, college_b):
    """Students of 2026 in 本科 and 专升本, one 专科 and one of 2025 who are not covered."""
    return {
        "bk": make_student(college_a, cohort=2026, level="bk"),
        "zsb": make_student(college_b, cohort=2026, level="zsb"),
        "zk": make_student(college_a, cohort=2026, level="zk"),
        "old": make_student(college_a, cohort=2025, level="bk"),
    }


def test_open_gives_every_covered_student_a_pending_check(draft, registrar, cohort):
    campaign_open(draft, by=registrar)
    draft.refresh_from_db()
    assert draft.state == Campaign.State.OPEN
    covered = set(Check.objects.filter(campaign=draft).values_list("student_id", flat=True))
    assert covered == {cohort["bk"].pk, cohort["zsb"].pk}
    assert set(Check.objects.filter(campaign=draft).values_list("status", flat=True)) == {"pending"}
    event = AuditEvent.objects.get(action="campaign.open")
    assert event.changes == {"state": ["draft", "open"], "checks_added": [0, 2]}


def test_sync_adds_only_the_missing_checks_and_keeps_answers(draft, registrar, cohort):
    campaign_open(draft, by=registrar)
    Check.objects.filter(campaign=draft, student=cohort["bk"]).update(status=Check.Status.CONFIRMED)
    late = make_student(cohort["bk"].college, cohort=2026, level="bk")
    assert campaign_sync_checks(draft) == 1
    assert Check.objects.get(campaign=draft, student=cohort["bk"]).status == Check.Status.CONFIRMED
    assert Check.objects.filter(campaign=draft, student=late).exists()


def test_widening_an_open_campaign_adds_checks(draft, registrar, cohort):
    campaign_open(draft, by=registrar)
    campaign_update(draft, by=registrar, fields={"levels": ["bk", "zsb", "zk"]})
    assert Check.objects.filter(campaign=draft, student=cohort["zk"]).exists()
    assert AuditEvent.objects.get(action="campaign.update").changes["checks_added"] == [0, 1]


def test_close_then_reopen(draft, registrar):
    campaign_open(draft, by=registrar)
    campaign_close(draft, by=registrar)
    draft.refresh_from_db()
    assert draft.state == Campaign.State.CLOSED
    campaign_open(draft, by=registrar)
    draft.refresh_from_db()
    assert draft.state == Campaign.State.OPEN
    assert [e.action for e in AuditEvent.objects.order_by("created_at")][-3:] == [
        "campaign.open", "campaign.close", "campaign.open",
    ]  # fmt: skip


def test_only_an_open_campaign_closes(draft, registrar):
    with pytest.raises(CampaignError, match="进行中"):
        campaign_close(draft, by=registrar)


def test_an_open_campaign_does_not_open_twice(draft, registrar):
    campaign_open(draft, by=registrar)
    with pytest.raises(CampaignError, match="已在进行中"):
        campaign_open(draft, by=registrar)


def test_a_campaign_whose_closing_date_passed_does_not_open(registrar):
    today = timezone.localdate()
    campaign = campaign_create(
        by=registrar,
        slug="late",
        fields=_fields(opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=1)),
    )
    with pytest.raises(CampaignError, match="截止日期"):
        campaign_open(campaign, by=registrar)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT
