"""The first page of each role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import CorrectionRequest

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


def test_admissions_home_lists_only_forwarded_requests(client, admissions, student_a, student_b):
    State, Cause = CorrectionRequest.State, CorrectionRequest.Cause
    CorrectionRequest.objects.create(
        student=student_b, cause=Cause.ADMISSION_MISMATCH, state=State.FORWARDED, forwarded_at=timezone.now()
    )
    CorrectionRequest.objects.create(student=student_a, cause=Cause.ADMISSION_MISMATCH, state=State.APPROVED)
    client.force_login(admissions)
    html = client.get(reverse("admissions_home")).content.decode()
    assert student_b.name in html
    assert student_a.name not in html
