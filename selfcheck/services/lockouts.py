"""Locked sign-ins (too many failures) and the registrar's unlock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from selfcheck.models import AttemptCounter, User
from selfcheck.services.audit import audit_record
from selfcheck.services.throttle import address_key, attempts_clear, identity_key

SCOPES = ("signin", "student")


@dataclass(frozen=True)
class Lockout:
    kind: str  # "id" (user name or 学号) or "ip"
    value: str
    until: datetime | None


def lockouts_current() -> list[Lockout]:
    """Every user name and address that is locked now, from both counters."""
    now = timezone.now()
    found: dict[tuple[str, str], datetime | None] = {}
    limits = {
        "signin:id:": settings.AXES_FAILURE_LIMIT,
        "signin:ip:": settings.AXES_FAILURE_LIMIT,
        "student:id:": settings.SELFCHECK_IDENTITY_ATTEMPTS,
        "student:ip:": settings.SELFCHECK_ADDRESS_ATTEMPTS,
    }
    rows = AttemptCounter.objects.filter(expires_at__gt=now, count__gte=min(limits.values()))
    for row in rows.order_by("-expires_at"):
        prefix = next((p for p in limits if row.key.startswith(p)), None)
        if prefix and row.count >= limits[prefix]:
            kind = prefix.split(":")[1]
            found.setdefault((kind, row.key[len(prefix) :]), row.expires_at)
    since = now - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since)
    for username in attempts.values_list("username", flat=True).distinct():
        if username and _axes_failures(attempts.filter(username=username)) >= settings.AXES_FAILURE_LIMIT:
            found.setdefault(("id", username), None)
    for address in attempts.values_list("ip_address", flat=True).distinct():
        if address and _axes_failures(attempts.filter(ip_address=address)) >= settings.AXES_FAILURE_LIMIT:
            found.setdefault(("ip", address), None)
    return [Lockout(kind, value, until) for (kind, value), until in found.items()]


def _axes_failures(rows) -> int:
    return sum(rows.values_list("failures_since_start", flat=True))


def lockout_clear(*, kind: str, value: str, actor: User, request=None) -> int:
    """Unlock a user name / 学号 (``kind="id"``) or an address (``kind="ip"``). Audited."""
    if kind not in ("id", "ip"):
        raise ValueError(kind)
    with transaction.atomic():
        if kind == "id":
            keys = [identity_key(scope, value) for scope in SCOPES]
            cleared = attempts_clear(keys) + axes_reset(username=value)
        else:
            keys = [address_key(scope, value) for scope in SCOPES]
            cleared = attempts_clear(keys) + axes_reset(ip=value)
        audit_record(actor=actor, action="signin.unlock", changes={kind: value, "cleared": cleared}, request=request)
    return cleared
