import pytest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

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
        student=student_b, cause=CorrectionRequest.Cause.ADMISSION_MISMATCH, state=CorrectionRequest.State.FORWARDED
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


HOME_PAGES = ["registrar_home", "secretary_home", "student_home", "admissions_home"]
ALLOWED = {
    "registrar": "registrar_home",
    "secretary_a": "secretary_home",
    "student_user": "student_home",
    "admissions": "admissions_home",
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("page", HOME_PAGES)
def test_home_pages_by_role(client, request, who, page, student_a):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse(page))
    expected = 200 if ALLOWED[who] == page else 403
    assert response.status_code == expected


@pytest.mark.parametrize("page", HOME_PAGES)
def test_home_pages_send_anonymous_visitors_to_sign_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_student_home_shows_the_record_with_the_id_masked(client, student_user, student_a):
    client.force_login(student_user)
    html = client.get(reverse("student_home")).content.decode()
    assert student_a.name in html
    assert student_a.id_number not in html
    assert student_a.masked_id_number in html


def test_secretary_home_lists_only_their_colleges(client, secretary_a, student_a, student_b):
    client.force_login(secretary_a)
    html = client.get(reverse("secretary_home")).content.decode()
    assert student_a.college.name in html
    assert student_b.college.name not in html


def test_admissions_sees_exactly_what_was_forwarded_in_lists_and_counts(admissions, student_a, student_b):
    State, Cause = CorrectionRequest.State, CorrectionRequest.Cause
    forwarded = CorrectionRequest.objects.create(
        student=student_b, cause=Cause.ADMISSION_MISMATCH, state=State.FORWARDED
    )
    # Admission-data cases not (or no longer) with the admissions office stay out of reach.
    for state in (State.SUBMITTED, State.COLLEGE_REVIEWED, State.APPROVED):
        CorrectionRequest.objects.create(student=student_a, cause=Cause.ADMISSION_MISMATCH, state=state)
    assert list(selectors.corrections_for(admissions)) == [forwarded]
    assert selectors.corrections_for(admissions).count() == 1
    assert list(selectors.students_for(admissions)) == [student_b]
    assert set(selectors.students_for(admissions)) == {c.student for c in selectors.corrections_for(admissions)}


def test_admissions_home_lists_only_forwarded_requests(client, admissions, student_a, student_b):
    State, Cause = CorrectionRequest.State, CorrectionRequest.Cause
    CorrectionRequest.objects.create(student=student_b, cause=Cause.ADMISSION_MISMATCH, state=State.FORWARDED)
    CorrectionRequest.objects.create(student=student_a, cause=Cause.ADMISSION_MISMATCH, state=State.APPROVED)
    client.force_login(admissions)
    html = client.get(reverse("admissions_home")).content.decode()
    assert student_b.name in html
    assert student_a.name not in html
