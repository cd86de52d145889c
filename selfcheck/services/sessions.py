"""Sign-in sessions of a user, so a password change or reset can end them all.

Sessions live in whatever store ``SESSION_ENGINE`` names (database, cache or both);
ending one goes through that store, so a cached copy cannot outlive the row.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from selfcheck.models import SignInSession, User


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_remember(user: User, session_key: str | None) -> None:
    if session_key:
        SignInSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


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
