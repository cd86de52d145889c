"""The audit trail, for registrar staff only, filtered as the audit page asks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from selfcheck.models import AuditEvent, Check, Student, User
from selfcheck.roles import is_registrar


def audit_events_for(user: User) -> QuerySet[AuditEvent]:
    """Every event for registrar staff; nothing for anyone else."""
    if is_registrar(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


def audit_events_filtered(events: QuerySet[AuditEvent], data: dict) -> QuerySet[AuditEvent]:
    """Apply the audit page's cleaned filters (actor, action, object type, object, dates)."""
    if data.get("actor"):
        actor = data["actor"]
        events = events.filter(Q(actor__username__icontains=actor) | Q(actor__first_name__icontains=actor))
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("target_type"):
        events = events.filter(target_type=data["target_type"])
    if data.get("target"):
        target = data["target"]
        # A check's own text names no student: find it through its student's 学号 or name.
        students = list(Student.objects.filter(Q(student_no=target) | Q(name=target)).values_list("pk", flat=True)[:50])
        checks = Check.objects.filter(student_id__in=students).values_list("pk", flat=True)[:500]
        events = events.filter(
            Q(target_id=target)
            | Q(target_repr__icontains=target)
            | Q(target_type="selfcheck.student", target_id__in=[str(pk) for pk in students])
            | Q(target_type="selfcheck.check", target_id__in=[str(pk) for pk in checks])
        )
    tz = timezone.get_current_timezone()
    if data.get("since"):
        events = events.filter(created_at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
    if data.get("until"):
        events = events.filter(created_at__lt=datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=tz))
    return events.select_related("actor").order_by("-created_at", "-pk")
