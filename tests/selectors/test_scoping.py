"""One scoping function per entity: who reaches which students, checks and requests."""

import pytest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfcheck import selectors
from selfcheck.models import CorrectionRequest, Student


def test_registrar_reaches_every_student(registrar, student_a, student_b):
    assert set(selectors.students_for(registrar)) == {student_a, student_b}


def test_secretary_reaches_only_their_colleges(secretary_a, student_a, student_b):
    assert list(selectors.students_for(secretary_a)) == [student_a]
    assert list(selectors.colleges_for(secretary_a)) == [student_a.college]
    assert [c.student for c in selectors.checks_for(secretary_a)] == [student_a]


def test_secretary_of_a_gets_404_on_a_student_of_b(secretary_a, student_b):
    with pytest.raises(Http404):
        get_object_or_404(selectors.students_for(secretary_a), pk=student_b.pk)


def test_student_reaches_only_their_own_record(student_user, student_a, student_b):
    assert list(selectors.students_for(student_user)) == [student_a]
    assert get_object_or_404(selectors.students_for(student_user), pk=student_a.pk) == student_a
    with pytest.raises(Http404):
        get_object_or_404(selectors.students_for(student_user), pk=student_b.pk)


def test_admissions_reaches_only_forwarded_admission_cases(admissions, student_a, student_b):
    assert not selectors.students_for(admissions).exists()
    CorrectionRequest.objects.create(
        student=student_b,
        cause=CorrectionRequest.Cause.ADMISSION_MISMATCH,
        state=CorrectionRequest.State.FORWARDED,
        forwarded_at=timezone.now(),
    )
    CorrectionRequest.objects.create(student=student_a, cause=CorrectionRequest.Cause.SCHOOL_ERROR)
    assert list(selectors.students_for(admissions)) == [student_b]
    assert [c.student for c in selectors.corrections_for(admissions)] == [student_b]
    assert not selectors.checks_for(admissions).exists()


def test_anonymous_reaches_nothing(db, student_a):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not selectors.students_for(anonymous).exists()
    assert not selectors.checks_for(anonymous).exists()
    assert Student.objects.exists()


def test_admissions_sees_exactly_what_was_forwarded_in_lists_and_counts(admissions, student_a, student_b):
    State, Cause = CorrectionRequest.State, CorrectionRequest.Cause
    forwarded = CorrectionRequest.objects.create(
        student=student_b, cause=Cause.ADMISSION_MISMATCH, state=State.FORWARDED, forwarded_at=timezone.now()
    )
    # Admission-data cases never forwarded to the admissions office stay out of reach.
    for state in (State.SUBMITTED, State.COLLEGE_REVIEWED, State.APPROVED):
        CorrectionRequest.objects.create(student=student_a, cause=Cause.ADMISSION_MISMATCH, state=state)
    assert list(selectors.corrections_for(admissions)) == [forwarded]
    assert selectors.corrections_for(admissions).count() == 1
    assert list(selectors.students_for(admissions)) == [student_b]
    assert set(selectors.students_for(admissions)) == {c.student for c in selectors.corrections_for(admissions)}
