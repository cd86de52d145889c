from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from selfcheck.models import Bulletin, Campaign, Check, CorrectionItem, CorrectionRequest, RosterImport
from selfcheck.services.admin_edits import admin_edit_record, admin_values
from selfcheck.services.campaigns import campaign_sync_checks
from selfcheck.services.students import students_sync_checks
from tests.factories import make_check, make_student


def _integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_it_rejects_duplicate_student_no(college_a):
    make_student(college_a, student_no="2026000001")
    _integrity_error(lambda: make_student(college_a, student_no="2026000001"))


def test_it_rejects_duplicate_id_number(college_a):
    first = make_student(college_a)
    _integrity_error(lambda: make_student(college_a, id_number=first.id_number))


def test_it_rejects_an_unknown_gender(college_a):
    _integrity_error(lambda: make_student(college_a, gender="X"))


def test_a_student_has_one_check_per_campaign(student_a, campaign):
    _integrity_error(lambda: make_check(campaign, student_a))


def test_check_status_is_constrained(student_a, campaign):
    _integrity_error(lambda: Check.objects.filter(student=student_a).update(status="lost"))


def test_campaign_window_must_be_ordered(db):
    today = timezone.localdate()
    _integrity_error(
        lambda: Campaign.objects.create(
            slug="bad", name="x", cohort=2026, opens_on=today, closes_on=today - timedelta(days=1)
        )
    )


def test_campaign_target_rate_is_a_percentage(db):
    today = timezone.localdate()
    _integrity_error(
        lambda: Campaign.objects.create(
            slug="bad", name="x", cohort=2026, opens_on=today, closes_on=today, target_rate=101
        )
    )


def test_bulletin_sequence_is_unique_per_campaign(campaign):
    now = timezone.now()
    Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=now)
    _integrity_error(lambda: Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=now))


def test_a_college_with_students_cannot_be_deleted(student_a, college_a):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        college_a.delete()


def test_correction_items_are_unique_per_field(student_a):
    request = CorrectionRequest.objects.create(student=student_a, cause=CorrectionRequest.Cause.SCHOOL_ERROR)
    CorrectionItem.objects.create(request=request, field="name", requested_value="张叁")
    _integrity_error(lambda: CorrectionItem.objects.create(request=request, field="name", requested_value="章三"))


def test_window_is_open_only_between_dates_and_while_open(campaign):
    assert campaign.is_within_window()
    assert not campaign.is_within_window(campaign.closes_on + timedelta(days=1))
    assert not campaign.is_within_window(campaign.opens_on - timedelta(days=1))
    campaign.state = Campaign.State.CLOSED
    assert not campaign.is_within_window()


def test_masked_id_keeps_only_the_last_four(student_a):
    assert student_a.masked_id_number == "*" * 14 + student_a.id_number[-4:]


def test_check_is_done_when_confirmed_or_discrepant(student_a):
    check = student_a.checks.get()
    assert not check.is_done
    check.status = Check.Status.DISCREPANCY
    assert check.is_done


def test_a_check_the_services_create_takes_its_students_college(campaign, college_b):
    moved_in = make_student(college_b, student_no="2026990001")
    assert campaign_sync_checks(campaign) >= 1
    assert moved_in.checks.get().college == college_b


def test_moving_a_student_in_the_admin_moves_their_checks(student_a, college_b, registrar):
    before = admin_values(student_a, ["college"])
    student_a.college = college_b
    student_a.save()
    admin_edit_record(student_a, before=before, created=False, by=registrar)
    assert student_a.checks.get().college == college_b


def test_sync_colleges_repairs_checks_written_in_bulk(student_a, college_a, college_b):
    from selfcheck.models import Student

    Student.objects.filter(pk=student_a.pk).update(college=college_b)  # a bulk write
    assert student_a.checks.get().college == college_a
    assert students_sync_checks() == 1
    assert student_a.checks.get().college == college_b


def test_state_columns_only_hold_their_choices(campaign, student_a):
    bulletin = Bulletin.objects.create(campaign=campaign, sequence=9, scheduled_at=timezone.now())
    _integrity_error(lambda: Campaign.objects.filter(pk=campaign.pk).update(state="paused"))
    _integrity_error(lambda: Bulletin.objects.filter(pk=bulletin.pk).update(state="lost"))
    record = RosterImport.objects.create(campaign=campaign, original_name="x.csv")
    _integrity_error(lambda: RosterImport.objects.filter(pk=record.pk).update(state="lost"))
