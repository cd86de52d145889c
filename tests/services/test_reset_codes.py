"""Reset codes: issued by staff in scope, stored hashed, single use, expiring, audited."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import AuditEvent, ResetCode
from selfcheck.services.reset_codes import ResetCodeError, reset_code_issue, reset_code_redeem
from tests.conftest import PASSWORD

NEW_PASSWORD = "Qz7-reset-2026"


def issue_through_page(client, staff, student_no):
    client.force_login(staff)
    response = client.post(reverse("reset_code_issue"), {"student_no": student_no})
    client.logout()
    return response


def redeem(client, student_no, code, password=NEW_PASSWORD):
    data = {"student_no": student_no, "code": code, "password1": password, "password2": password}
    return client.post(reverse("reset_code_redeem"), data)


def test_a_secretary_issues_a_code_for_a_student_of_their_college(client, secretary_a, student_a):
    response = issue_through_page(client, secretary_a, student_a.student_no)
    code = response.context["issued"]["code"]
    assert code in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    record = ResetCode.objects.get(student=student_a)
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.expires_at - record.created_at == timedelta(hours=24)
    event = AuditEvent.objects.get(action="student.reset_code_issue")
    assert event.actor == secretary_a and code not in str(event.changes)


def test_a_secretary_cannot_issue_for_another_college(client, secretary_b, student_a):
    response = issue_through_page(client, secretary_b, student_a.student_no)
    assert response.context["issued"] is None
    assert "找不到该学号" in response.content.decode()
    assert not ResetCode.objects.exists()


def test_students_and_admissions_cannot_issue(client, student_user, admissions):
    for user in (student_user, admissions):
        client.force_login(user)
        assert client.post(reverse("reset_code_issue"), {"student_no": "2026010001"}).status_code == 403


def test_the_registrar_issues_for_any_student(client, registrar, student_b):
    response = issue_through_page(client, registrar, student_b.student_no)
    assert response.context["issued"]["student"] == student_b


def test_a_code_sets_a_new_password_once_and_ends_every_session(client, registrar, student_a):
    phone, lab_pc = Client(), Client()
    phone.force_login(student_a.user)
    lab_pc.post(reverse("student_login"), {"username": student_a.student_no, "password": PASSWORD})
    keys = [phone.session.session_key, lab_pc.session.session_key]
    assert Session.objects.filter(session_key__in=keys).count() == 2

    code = reset_code_issue(student=student_a, actor=registrar)
    response = redeem(client, student_a.student_no, code.lower())
    assert response.status_code == 302
    student_a.user.refresh_from_db()
    assert student_a.user.check_password(NEW_PASSWORD)
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert phone.get(reverse("student_home")).status_code == 302
    event = AuditEvent.objects.get(action="student.password_reset")
    assert event.changes["sessions_ended"] == 2

    client.logout()
    again = redeem(client, student_a.student_no, code, password="Another-pass-99")
    assert "重置码无效" in again.content.decode()
    student_a.user.refresh_from_db()
    assert student_a.user.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(registrar, student_a):
    code = reset_code_issue(student=student_a, actor=registrar)
    ResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ResetCodeError):
        reset_code_redeem(student_no=student_a.student_no, code=code, password=NEW_PASSWORD)


def test_a_new_code_replaces_the_previous_one(registrar, student_a):
    first = reset_code_issue(student=student_a, actor=registrar)
    second = reset_code_issue(student=student_a, actor=registrar)
    with pytest.raises(ResetCodeError):
        reset_code_redeem(student_no=student_a.student_no, code=first, password=NEW_PASSWORD)
    reset_code_redeem(student_no=student_a.student_no, code=second, password=NEW_PASSWORD)


def test_no_code_for_a_disabled_account(registrar, student_a):
    student_a.user.is_active = False
    student_a.user.save()
    with pytest.raises(ResetCodeError):
        reset_code_issue(student=student_a, actor=registrar)


def test_a_code_for_another_student_does_not_work(registrar, student_a, student_b):
    code = reset_code_issue(student=student_a, actor=registrar)
    with pytest.raises(ResetCodeError):
        reset_code_redeem(student_no=student_b.student_no, code=code, password=NEW_PASSWORD)


def test_guessing_codes_is_throttled_per_student(client, registrar, student_a):
    code = reset_code_issue(student=student_a, actor=registrar)
    for _ in range(5):
        assert "重置码无效" in redeem(client, student_a.student_no, "WRONGCODE2").content.decode()
    response = redeem(client, "２０２６０１０００１", code)
    assert "验证失败次数过多" in response.content.decode()
    student_a.user.refresh_from_db()
    assert student_a.user.check_password(PASSWORD)
