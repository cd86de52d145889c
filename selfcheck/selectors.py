"""Reads scoped to the user asking: the only place that decides who sees what.

Every list, count, export, search and task that shows data to a person goes through
one of the ``*_for`` functions here. Objects outside a user's scope are simply not in
the queryset, so views answer 404 for them; a missing role is a 403 decided by
``selfcheck.permissions``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfcheck.models import (
    Bulletin,
    Campaign,
    Check,
    College,
    CorrectionRequest,
    Role,
    RosterImport,
    Student,
    User,
)


def _is_registrar(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.REGISTRAR)


def colleges_for(user: User) -> QuerySet[College]:
    if _is_registrar(user):
        return College.objects.all()
    if user.is_authenticated and user.role == Role.SECRETARY:
        return College.objects.filter(secretaries=user)
    return College.objects.none()


def students_for(user: User) -> QuerySet[Student]:
    if not user.is_authenticated:
        return Student.objects.none()
    if _is_registrar(user):
        return Student.objects.all()
    if user.role == Role.SECRETARY:
        return Student.objects.filter(college__in=colleges_for(user))
    if user.role == Role.STUDENT:
        return Student.objects.filter(user=user)
    if user.role == Role.ADMISSIONS:
        return Student.objects.filter(corrections__state=CorrectionRequest.State.FORWARDED).distinct()
    return Student.objects.none()


def campaigns_for(user: User) -> QuerySet[Campaign]:
    if not user.is_authenticated:
        return Campaign.objects.none()
    if _is_registrar(user):
        return Campaign.objects.all()
    if user.role == Role.STUDENT:
        return Campaign.objects.filter(checks__student__user=user).exclude(state=Campaign.State.DRAFT).distinct()
    if user.role in (Role.SECRETARY, Role.ADMISSIONS):
        return Campaign.objects.exclude(state=Campaign.State.DRAFT)
    return Campaign.objects.none()


def checks_for(user: User, campaign: Campaign | None = None) -> QuerySet[Check]:
    if not user.is_authenticated:
        checks = Check.objects.none()
    elif _is_registrar(user):
        checks = Check.objects.all()
    elif user.role == Role.SECRETARY:
        checks = Check.objects.filter(college__in=colleges_for(user))
    elif user.role == Role.STUDENT:
        checks = Check.objects.filter(student__user=user)
    else:
        checks = Check.objects.none()
    if campaign is not None:
        checks = checks.filter(campaign=campaign)
    return checks


def corrections_for(user: User) -> QuerySet[CorrectionRequest]:
    if not user.is_authenticated:
        return CorrectionRequest.objects.none()
    if _is_registrar(user):
        return CorrectionRequest.objects.all()
    if user.role == Role.SECRETARY:
        return CorrectionRequest.objects.filter(student__college__in=colleges_for(user))
    if user.role == Role.STUDENT:
        return CorrectionRequest.objects.filter(student__user=user)
    if user.role == Role.ADMISSIONS:
        return CorrectionRequest.objects.filter(cause=CorrectionRequest.Cause.ADMISSION_MISMATCH).exclude(
            state=CorrectionRequest.State.SUBMITTED
        )
    return CorrectionRequest.objects.none()


def imports_for(user: User) -> QuerySet[RosterImport]:
    if _is_registrar(user):
        return RosterImport.objects.all()
    return RosterImport.objects.none()


def bulletins_for(user: User) -> QuerySet[Bulletin]:
    if not user.is_authenticated or user.role == Role.STUDENT:
        return Bulletin.objects.none()
    return Bulletin.objects.filter(campaign__in=campaigns_for(user))


def student_for(user: User, pk: int) -> Student:
    return get_object_or_404(students_for(user), pk=pk)


def own_student(user: User) -> Student | None:
    """The Student record a student account belongs to."""
    if not user.is_authenticated or user.role != Role.STUDENT:
        return None
    return Student.objects.select_related("college").filter(user=user).first()


# --- tracking: campaigns, colleges and checks by their URL keys ---------------------------


def campaign_for(user: User, slug: str) -> Campaign:
    """A campaign the user may see, or 404 (drafts are the registrar's alone)."""
    return get_object_or_404(campaigns_for(user), slug=slug)


def college_for(user: User, code: str) -> College:
    """One of the user's colleges by code, or 404."""
    return get_object_or_404(colleges_for(user), code=code)


def check_for(user: User, campaign: Campaign, student_id: int) -> Check:
    """The check of one student in a campaign, within the user's scope, or 404."""
    return get_object_or_404(
        checks_for(user, campaign).select_related("campaign", "student", "student__college", "set_by"),
        student_id=student_id,
    )


def own_checks(user: User) -> QuerySet[Check]:
    """A student's checks in campaigns that have been opened, newest first."""
    if not user.is_authenticated or user.role != Role.STUDENT:
        return Check.objects.none()
    return (
        checks_for(user)
        .exclude(campaign__state=Campaign.State.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__opens_on", "campaign__slug")
    )


def own_check(user: User, slug: str) -> Check:
    """A student's check in one opened campaign, or 404."""
    return get_object_or_404(own_checks(user).select_related("student", "student__college"), campaign__slug=slug)


def check_history(check: Check, limit: int = 20):
    """The audit events of one check the caller already reached through ``check_for``."""
    from selfcheck.models import AuditEvent

    return (
        AuditEvent.objects.filter(target_type=Check._meta.label_lower, target_id=str(check.pk))
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )
