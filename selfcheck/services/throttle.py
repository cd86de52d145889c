"""Failed-attempt counters shared by every web process (rows in the database).

An attempt is counted *before* the credentials are checked and refunded when they
turn out right, so a burst of parallel requests can never get more than ``limit``
guesses through: each request has to win a conditional UPDATE first. A success
only refunds its own attempt; it never clears another identity's or the address's
failures.
"""

from __future__ import annotations

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
        if counters.exists():
            return False
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(key=key, count=1, expires_at=now + window)
            return True
        except IntegrityError:
            continue  # created by a parallel request a moment ago: count on its row
    return False


def attempts_reserve(limits: dict[str, int], *, window: timedelta) -> bool:
    """Count one attempt on every key, or on none if any key has reached its limit."""
    taken: list[str] = []
    for key, limit in limits.items():
        if not _take(key, limit, window):
            attempts_refund(taken)
            return False
        taken.append(key)
    return True


def attempts_refund(keys) -> None:
    """The attempt succeeded: it does not count as a failure."""
    for key in keys:
        AttemptCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def attempts_clear(keys) -> int:
    return AttemptCounter.objects.filter(key__in=list(keys)).delete()[0]


def attempts_blocked(limit: int, prefix: str = "") -> list[AttemptCounter]:
    """Counters at their limit and not yet expired, newest expiry first."""
    return list(
        AttemptCounter.objects.filter(key__startswith=prefix, count__gte=limit, expires_at__gt=timezone.now()).order_by(
            "-expires_at"
        )
    )


def attempts_purge_expired() -> int:
    return AttemptCounter.objects.filter(expires_at__lte=timezone.now()).delete()[0]


def signin_username(request, credentials=None) -> str:
    """django-axes' view of the user name: the same spelling as the counters use."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return normalize_student_no(raw or "").casefold()
