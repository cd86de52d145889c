"""The audit trail: one function every service calls after it changes something."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from selfcheck.clientip import client_ip
from selfcheck.models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. ``changes`` maps a field to ``[old, new]``."""
    ip = None
    agent = ""
    if request is not None:
        ip = client_ip(request)
        agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {},
        ip_address=ip,
        user_agent=agent,
    )
