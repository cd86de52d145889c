"""A password change ends the user's other sessions in the session store, audited."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from selfcheck.models import AuditEvent
from tests.conftest import PASSWORD

NEW_PASSWORD = "Xk9-campus-2026"


def test_changing_the_password_ends_the_other_sessions(client, student_user):
    other = Client()
    other.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    other_key = other.session.session_key
    client.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=other_key).exists()
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    assert client.get(reverse("student_home")).status_code == 200
    assert other.get(reverse("student_home")).status_code == 302
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.actor == student_user and event.changes["sessions_ended"] == 1


def test_a_session_ended_in_the_cache_backed_store_is_gone_from_the_cache_too(settings, client, student_user):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    other = Client()
    other.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    from django.contrib.sessions.backends.cached_db import SessionStore

    other_key = other.session.session_key
    assert SessionStore(session_key=other_key).exists(other_key)
    client.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not SessionStore(session_key=other_key).exists(other_key)
    assert other.get(reverse("student_home")).status_code == 302


def test_sessions_that_expired_are_forgotten_at_the_next_sign_in(client, student_user):
    from django.utils import timezone

    from selfcheck.models import SignInSession

    old = Client()
    old.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    Session.objects.filter(session_key=old.session.session_key).update(expire_date=timezone.now())
    client.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    assert list(SignInSession.objects.values_list("session_key", flat=True)) == [client.session.session_key]
