"""check_set_status: who may change a check, when, and what it leaves behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from selfcheck import stats
from selfcheck.models import AuditEvent, Campaign, Check
from selfcheck.services.checks import CheckError, check_set_status, window_message


def _check(student) -> Check:
    return Check.objects.get(student=student)


def _move_window(campaign, *, opens_in=None, closes_in=None, state=None):
    today = timezone.localdate()
    if opens_in is not None:
        campaign.opens_on = today + timedelta(days=opens_in)
    if closes_in is not None:
        campaign.closes_on = today + timedelta(days=closes_in)
    if state is not None:
        campaign.state = state
    campaign.save()


# --- students --------------------------------------------------------------------------


def test_a_student_confirms_their_own_check(student_a, student_user):
    check = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    check.refresh_from_db()
    assert check.status == Check.Status.CONFIRMED
    assert check.source == Check.Source.STUDENT
    assert check.set_by == student_user
    assert check.set_at is not None
    assert check.completed_at == check.set_at
    event = AuditEvent.objects.get(action="check.set_status", target_id=str(check.pk))
    assert event.actor == student_user
    assert event.changes["status"] == ["pending", "confirmed"]


def test_completed_at_stays_at_the_first_completion_when_the_answer_changes(student_a, student_user):
    first = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    completed = first.completed_at
    blocked = check_set_status(
        first, status=Check.Status.BLOCKED, blocked_reason=Check.BlockedReason.PHONE_TAKEN, by=student_user
    )
    assert blocked.completed_at == completed
    again = check_set_status(
        blocked, status=Check.Status.DISCREPANCY, detail={"fields": {"ethnicity": "回族"}}, by=student_user
    )
    assert again.completed_at == completed
    assert again.set_at > completed


def test_a_pending_or_blocked_check_has_no_completion_time(student_a, student_user):
    check = check_set_status(
        _check(student_a), status=Check.Status.BLOCKED, blocked_reason=Check.BlockedReason.ID_BOUND, by=student_user
    )
    assert check.completed_at is None
    assert check.blocked_reason == Check.BlockedReason.ID_BOUND


def test_blocked_needs_a_reason_and_other_statuses_clear_it(student_a, student_user):
    with pytest.raises(CheckError, match="原因"):
        check_set_status(_check(student_a), status=Check.Status.BLOCKED, by=student_user)
    check = check_set_status(
        _check(student_a), status=Check.Status.BLOCKED, blocked_reason="not_linked", by=student_user
    )
    check = check_set_status(check, status=Check.Status.MISSING, blocked_reason="not_linked", by=student_user)
    assert check.blocked_reason == ""


def test_discrepancy_detail_is_kept_and_cleared_when_the_status_changes(student_a, student_user):
    detail = {"fields": {"ethnicity": "回族", "name": "张叁"}, "note": "民族和姓名有误"}
    check = check_set_status(_check(student_a), status=Check.Status.DISCREPANCY, detail=detail, by=student_user)
    check.refresh_from_db()
    assert check.detail == detail
    check = check_set_status(check, status=Check.Status.CONFIRMED, by=student_user)
    assert check.detail == {}


@pytest.mark.parametrize("status", ["pending", "bogus", ""])
def test_a_student_cannot_set_pending_or_unknown_statuses(student_a, student_user, status):
    with pytest.raises(CheckError, match="无效"):
        check_set_status(_check(student_a), status=status, by=student_user)
    assert _check(student_a).status == Check.Status.PENDING


def test_a_student_cannot_change_someone_elses_check(student_a, student_b, student_user):
    with pytest.raises(CheckError, match="本人"):
        check_set_status(_check(student_b), status=Check.Status.CONFIRMED, by=student_user)
    assert _check(student_b).status == Check.Status.PENDING


def test_after_the_closing_date_a_student_is_told_why_and_whom_to_contact(campaign, student_a, student_user):
    _move_window(campaign, opens_in=-20, closes_in=-1)
    with pytest.raises(CheckError) as error:
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    message = str(error.value)
    assert "截止" in message and "教学秘书" in message and "学籍科" in message
    assert f"{campaign.closes_on:%Y年%m月%d日}" in message
    assert _check(student_a).status == Check.Status.PENDING


def test_before_the_opening_date_a_student_is_told_when_it_starts(campaign, student_a, student_user):
    _move_window(campaign, opens_in=2, closes_in=10)
    with pytest.raises(CheckError, match="开始"):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)


def test_a_closed_campaign_refuses_students_even_inside_its_dates(campaign, student_a, student_user):
    _move_window(campaign, state=Campaign.State.CLOSED)
    with pytest.raises(CheckError, match="截止"):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)


def test_the_last_day_of_the_window_still_counts(campaign, student_a, student_user):
    _move_window(campaign, opens_in=-5, closes_in=0)
    assert window_message(campaign) == ""
    check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    assert _check(student_a).status == Check.Status.CONFIRMED


# --- staff on the student's behalf -----------------------------------------------------


def test_a_secretary_sets_a_status_on_behalf_with_a_reason(student_a, secretary_a):
    check = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason="电话确认已核对", by=secretary_a)
    assert check.source == Check.Source.SECRETARY
    assert check.set_by == secretary_a
    assert check.staff_reason == "电话确认已核对"
    event = AuditEvent.objects.get(action="check.set_status", target_id=str(check.pk))
    assert event.actor == secretary_a
    assert event.changes["reason"] == [None, "电话确认已核对"]
    assert event.changes["source"] == ["system", "secretary"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_staff_must_give_a_reason(student_a, secretary_a, registrar, reason):
    for user in (secretary_a, registrar):
        with pytest.raises(CheckError, match="原因"):
            check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason=reason, by=user)
    assert not AuditEvent.objects.filter(action="check.set_status").exists()


def test_a_secretary_cannot_touch_another_colleges_student(student_b, secretary_a):
    with pytest.raises(CheckError, match="学院"):
        check_set_status(_check(student_b), status=Check.Status.CONFIRMED, reason="x", by=secretary_a)
    assert _check(student_b).status == Check.Status.PENDING


def test_a_secretary_may_still_act_after_the_closing_date_while_the_campaign_is_open(campaign, student_a, secretary_a):
    _move_window(campaign, opens_in=-20, closes_in=-2)
    check = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason="补登", by=secretary_a)
    assert check.status == Check.Status.CONFIRMED


def test_a_closed_campaign_refuses_secretaries_but_not_the_registrar(campaign, student_a, secretary_a, registrar):
    _move_window(campaign, state=Campaign.State.CLOSED)
    with pytest.raises(CheckError, match="学籍科"):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason="补登", by=secretary_a)
    check = check_set_status(_check(student_a), status=Check.Status.MISSING, reason="学信网确认查无", by=registrar)
    assert check.source == Check.Source.REGISTRAR
    assert check.status == Check.Status.MISSING


def test_nobody_changes_checks_of_a_draft_campaign(campaign, student_a, registrar):
    _move_window(campaign, state=Campaign.State.DRAFT)
    with pytest.raises(CheckError, match="尚未开放"):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason="x", by=registrar)


def test_staff_may_reset_a_check_to_pending(student_a, student_user, secretary_a):
    check = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    check = check_set_status(check, status=Check.Status.PENDING, reason="学生误点", by=secretary_a)
    assert check.status == Check.Status.PENDING


def test_admissions_cannot_change_checks(student_a, admissions):
    with pytest.raises(CheckError, match="角色"):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, reason="x", by=admissions)


def test_a_chsi_list_import_acts_without_a_user(student_a):
    check = check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=None, source=Check.Source.CHSI_LIST)
    assert check.source == Check.Source.CHSI_LIST
    assert check.set_by is None
    assert check.completed_at is not None


def test_a_source_cannot_be_borrowed(student_a, secretary_a, student_user):
    with pytest.raises(CheckError):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=secretary_a, source="student")
    with pytest.raises(CheckError):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user, source="registrar")


def test_a_change_drops_the_cached_numbers_of_its_college_and_campaign_only(
    campaign, college_a, college_b, student_a, student_b, student_user, django_capture_on_commit_callbacks
):
    checks = Check.objects.filter(campaign=campaign)

    def numbers():
        whole = stats.cached(campaign, lambda: stats.campaign_overview(checks, campaign))
        a = stats.cached(campaign, lambda: stats.college_overview(checks.filter(student__college=college_a), campaign),
                         college_id=college_a.pk)  # fmt: skip
        b = stats.cached(campaign, lambda: stats.college_overview(checks.filter(student__college=college_b), campaign),
                         college_id=college_b.pk)  # fmt: skip
        return whole["overall"]["done"], a["counts"]["done"], b["counts"]["done"], b["computed_at"]

    before = numbers()
    assert before[:3] == (0, 0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        check_set_status(_check(student_a), status=Check.Status.CONFIRMED, by=student_user)
    after = numbers()
    assert after[:3] == (1, 1, 0)
    assert after[3] == before[3]  # college B's numbers were not recomputed
    # A bulk change (an import, opening the campaign) drops every college's numbers.
    Check.objects.filter(student=student_b).update(status=Check.Status.CONFIRMED)
    stats.invalidate(campaign.pk)
    assert numbers()[:3] == (2, 1, 1)
