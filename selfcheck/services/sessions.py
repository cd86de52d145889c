"""Sign-in sessions of a user, so a password change or reset can end them all.

Sessions live in whatever store ``SESSION_ENGINE`` names (database, cache or both);
ending one goes through that store, so a cached copy cannot outlive the row.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from selfcheck.models import SignInSession, User


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


DATABASE_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def session_remember(user: User, session_key: str | None) -> None:
    if not session_key:
        return
    SignInSession.objects.update_or_create(session_key=session_key, defaults={"user": user})
    if settings.SESSION_ENGINE in DATABASE_ENGINES:
        # Forget this user's sessions that expired or were cleared since (one query).
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        SignInSession.objects.filter(user=user).exclude(session_key=session_key).exclude(session_key__in=live).delete()


def session_forget(session_key: str | None) -> None:
    if session_key:
        SignInSession.objects.filter(session_key=session_key).delete()


def sessions_end(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except ``keep`` (the one making the change)."""
    rows = SignInSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete()
    rows.delete()
    return len(keys)
