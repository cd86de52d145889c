"""Staff and student sign-in: locked by user name across addresses and by address."""

import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from selfcheck.models import AuditEvent
from tests.conftest import PASSWORD


def sign_in(client, username, password, address="192.0.2.1", url="login"):
    return client.post(reverse(url), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_from_many_addresses_lock_the_user_name(client, registrar):
    for n in range(5):
        assert sign_in(client, "registrar", "wrong", address=f"192.0.2.{n + 10}").status_code in (200, 429)
    response = sign_in(client, "registrar", PASSWORD, address="198.51.100.77")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_many_user_names_lock_the_address(client, registrar):
    for n in range(5):
        sign_in(client, f"nobody-{n}", "wrong", address="192.0.2.50")
    assert sign_in(client, "registrar", PASSWORD, address="192.0.2.50").status_code == 429
    assert sign_in(client, "registrar", PASSWORD, address="192.0.2.51").status_code == 302


def test_a_success_does_not_clear_the_address_failures(client, registrar, secretary_a):
    for n in range(4):
        sign_in(client, f"nobody-{n}", "wrong", address="192.0.2.60")
    assert sign_in(Client(), "sec-a", PASSWORD, address="192.0.2.60").status_code == 302
    sign_in(client, "nobody-9", "wrong", address="192.0.2.60")
    assert sign_in(client, "registrar", PASSWORD, address="192.0.2.60").status_code == 429


def test_full_width_student_numbers_count_on_the_same_user_name(client, student_a):
    for spelling in ("２０２６０１０００１", "2026010001\u200b", " 2026010001 ", "２０２６010001", "2026010001"):
        sign_in(client, spelling, "wrong", address="192.0.2.70", url="student_login")
    response = sign_in(client, "2026010001", PASSWORD, address="192.0.2.71", url="student_login")
    assert response.status_code == 429


def test_the_registrar_unlocks_a_user_name_and_it_is_audited(client, registrar, secretary_a):
    for n in range(5):
        sign_in(Client(), "sec-a", "wrong", address=f"192.0.2.{n + 80}")
    assert sign_in(Client(), "sec-a", PASSWORD, address="192.0.2.99").status_code == 429
    client.force_login(registrar)
    listing = client.get(reverse("lockout_list"))
    assert "sec-a" in listing.content.decode()
    client.post(reverse("lockout_list"), {"kind": "id", "value": "sec-a"})
    assert AuditEvent.objects.filter(action="signin.unlock", actor=registrar).exists()
    assert sign_in(Client(), "sec-a", PASSWORD, address="192.0.2.99").status_code == 302


def test_only_the_registrar_sees_the_lockouts(client, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("lockout_list")).status_code == 403
    assert client.post(reverse("lockout_list"), {"kind": "id", "value": "x"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_gets_no_more_than_the_limit_through(registrar, settings):
    """Twenty simultaneous guesses: at most AXES_FAILURE_LIMIT reach the password check."""
    settings.AXES_FAILURE_LIMIT = 5
    burst = 20
    start = threading.Barrier(burst)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(n):
        client = Client()
        start.wait()
        try:
            status = sign_in(client, "registrar", f"wrong-{n}", address=f"192.0.2.{n + 1}").status_code
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == burst
    assert set(statuses) <= {200, 429}
    checked = sum(AccessAttempt.objects.filter(username="registrar").values_list("failures_since_start", flat=True))
    assert 1 <= checked <= 5
    assert statuses.count(429) >= burst - 5
    assert sign_in(Client(), "registrar", PASSWORD, address="198.51.100.1").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_many_students_behind_one_address_sign_in_at_the_same_moment(college_a, campaign):
    """A campus NAT: correct passwords in parallel from one address are never refused."""
    from selfcheck.models import Role, User
    from tests.factories import make_student

    numbers = []
    for _ in range(12):
        student = make_student(college_a)
        student.user = User.objects.create_user(username=student.student_no, password=PASSWORD, role=Role.STUDENT)
        student.save(update_fields=["user"])
        numbers.append(student.student_no)
    start = threading.Barrier(len(numbers))
    statuses: list[int] = []

    def sign_in_one(number):
        start.wait()
        try:
            statuses.append(sign_in(Client(), number, PASSWORD, address="192.0.2.200", url="student_login").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in_one, args=(number,)) for number in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(numbers)
