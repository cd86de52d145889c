"""Failed-attempt counters shared by every web process (rows in the database).

An attempt on an identity (学号, user name) is counted *before* the credentials
are checked and refunded when they turn out right, so a burst of parallel requests
can never get more than ``limit`` guesses at one account through: each request has
to win a conditional UPDATE first. A success only refunds its own attempt; it never
clears another identity's or the address's failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from selfcheck.models import AttemptCounter
from selfcheck.services.accounts import normalize_student_no


def identity_key(scope: str, value: str) -> str:
    """The counter key of a 学号 or user name, spelled the way the lookup reads it."""
    return f"{scope}:id:{normalize_student_no(value).casefold()}"[:191]


def address_key(scope: str, address: str | None) -> str:
    return f"{scope}:ip:{address or 'unknown'}"[:191]


def _take(key: str, limit: int, window: timedelta) -> bool:
    now = timezone.now()
    counters = AttemptCounter.objects.filter(key=key)
    for _ in range(3):
        if counters.filter(expires_at__gt=now, count__lt=limit).update(count=F("count") + 1):
            return True
        if counters.filter(expires_at__lte=now).update(count=1, expires_at=now + window):
            return True
        if counters.filter(expires_at__gt=now, count__gte=limit).exists():
            return False
        if counters.exists():
            continue  # a parallel request renewed the window a moment ago: count on the new one
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(key=key, count=1, expires_at=now + window)
        except IntegrityError:
            continue  # created by a parallel request a moment ago: count on its row
        # New rows are rare (one per identity or address per window): tidy up then.
        AttemptCounter.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        return True
    return False


@dataclass(frozen=True)
class Attempt:
    """One try at a password or identity proof, counted on two kinds of key.

    ``identity`` keys (学号, user name) are reserved before the check, so parallel
    requests cannot overshoot. ``address`` keys are checked before and counted only
    on failure: many students behind one campus NAT sign in at the same moment.
    """

    identity: dict[str, int]
    address: dict[str, int]
    window: timedelta


def attempt_begin(*, identity: dict[str, int], address: dict[str, int], window: timedelta) -> Attempt | None:
    """Start an attempt, or ``None`` if any key has reached its limit."""
    now = timezone.now()
    for key, limit in address.items():
        if AttemptCounter.objects.filter(key=key, expires_at__gt=now, count__gte=limit).exists():
            return None
    taken: list[str] = []
    for key, limit in identity.items():
        if not _take(key, limit, window):
            _refund(taken)
            return None
        taken.append(key)
    return Attempt(identity, address, window)


def attempt_failed(attempt: Attempt) -> None:
    """The reserved identity attempt stays counted; the addresses count one more failure."""
    for key in attempt.address:
        _take(key, 2**31 - 1, attempt.window)


def attempt_succeeded(attempt: Attempt) -> None:
    """Only this attempt's own reservation is given back; nobody else's failures are cleared."""
    _refund(attempt.identity)


def _refund(keys) -> None:
    for key in keys:
        AttemptCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def attempts_clear(keys) -> int:
    return AttemptCounter.objects.filter(key__in=list(keys)).delete()[0]


def signin_username(request, credentials=None) -> str:
    """django-axes' view of the user name: the same spelling as the counters use."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return normalize_student_no(raw or "").casefold()
