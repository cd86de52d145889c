"""Correction requests as each role may see them: the one scoping function and the queues.

``students_for`` derives the admissions office's students from ``corrections_for``, so
its lists, counts and detail pages agree.

- registrar: every request;
- secretary: the requests of students of their colleges;
- admissions office: the requests forwarded to it, and nothing else;
- student: their own.
Outside the scope the answer is 404 (``get_object_or_404`` on the scoped queryset).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfcheck import roles
from selfcheck.models import Campaign, CorrectionEvidence, CorrectionRequest, Student, StudentChange, User
from selfcheck.selectors.colleges import colleges_for

OPEN_STATES = tuple(s for s in CorrectionRequest.State.values if s not in CorrectionRequest.CLOSED_STATES)


def corrections_for(user: User) -> QuerySet[CorrectionRequest]:
    if roles.is_registrar(user):
        return CorrectionRequest.objects.all()
    if roles.is_secretary(user):
        return CorrectionRequest.objects.filter(student__college__in=colleges_for(user))
    if roles.is_student(user):
        return CorrectionRequest.objects.filter(student__user=user)
    if roles.is_admissions(user):
        # Everything ever forwarded to the office (also once it has answered), nothing else.
        return CorrectionRequest.objects.filter(forwarded_at__isnull=False)
    return CorrectionRequest.objects.none()


def correction_for(user: User, pk: int) -> CorrectionRequest:
    return get_object_or_404(
        corrections_for(user).select_related("student", "student__college", "campaign", "check_record"), pk=pk
    )


def evidence_for(user: User, correction_id: int, pk: int) -> CorrectionEvidence:
    return get_object_or_404(
        CorrectionEvidence.objects.filter(request__in=corrections_for(user).filter(pk=correction_id)), pk=pk
    )


def open_correction_of(student: Student, campaign: Campaign) -> CorrectionRequest | None:
    return (
        CorrectionRequest.objects.filter(student=student, campaign=campaign)
        .exclude(state__in=CorrectionRequest.CLOSED_STATES)
        .first()
    )


def own_corrections(user: User) -> QuerySet[CorrectionRequest]:
    return (
        corrections_for(user)
        .filter(student__user=user)
        .select_related("campaign")
        .prefetch_related("items", "comments__author")
    )


@dataclass
class QueueFilters:
    campaign: Campaign | None = None
    state: str = ""
    college: str = ""
    cause: str = ""
    field: str = ""
    older_than_days: int | None = None


def correction_queue(user: User, filters: QueueFilters | None = None) -> QuerySet[CorrectionRequest]:
    """The user's requests, filtered, oldest first (the ones waiting longest on top)."""
    filters = filters or QueueFilters()
    queue = corrections_for(user)
    if filters.campaign is not None:
        queue = queue.filter(campaign=filters.campaign)
    if filters.state == "open":
        queue = queue.filter(state__in=OPEN_STATES)
    elif filters.state:
        queue = queue.filter(state=filters.state)
    if filters.college:
        queue = queue.filter(student__college__code=filters.college)
    if filters.cause:
        queue = queue.filter(cause=filters.cause)
    if filters.field:
        queue = queue.filter(items__field=filters.field)
    if filters.older_than_days:
        queue = queue.filter(updated_at__lt=timezone.now() - timedelta(days=filters.older_than_days))
    return (
        queue.select_related("student", "student__college", "campaign")
        .prefetch_related("items")
        .distinct()
        .order_by("updated_at", "pk")
    )


def correction_counts(user: User, campaign: Campaign | None = None) -> dict[str, int]:
    """Open requests in the user's scope by state, every open state present."""
    queue = corrections_for(user).filter(state__in=OPEN_STATES)
    if campaign is not None:
        queue = queue.filter(campaign=campaign)
    found = dict(queue.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: found.get(state, 0) for state in OPEN_STATES}


def student_changes(student: Student, limit: int = 100) -> QuerySet[StudentChange]:
    """Every change to one student's record, newest first; the caller reached the student in scope."""
    return student.changes.select_related("changed_by", "correction", "roster_import")[:limit]
