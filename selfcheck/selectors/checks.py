"""Checks a user may see, one by its URL keys, and the filtered lists of the tracking pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from selfcheck import roles, stats
from selfcheck.models import AuditEvent, Campaign, Check, College, Student, User
from selfcheck.selectors.colleges import colleges_for
from selfcheck.selectors.students import own_student


class StatusFilter:
    """The status tokens of the list filter, beside the statuses themselves."""

    OPEN = ""  # the default: every status still to chase
    ALL = "all"
    DONE = "done"  # stats.DONE: the student looked at the record


def checks_for(user: User, campaign: Campaign | None = None) -> QuerySet[Check]:
    if roles.is_registrar(user):
        checks = Check.objects.all()
    elif roles.is_secretary(user):
        checks = Check.objects.filter(college__in=colleges_for(user))
    elif roles.is_student(user):
        checks = Check.objects.filter(student__user=user)
    else:
        checks = Check.objects.none()
    if campaign is not None:
        checks = checks.filter(campaign=campaign)
    return checks


def checks_filtered(
    user: User, campaign: Campaign, filters: dict, *, college: College | None = None
) -> QuerySet[Check]:
    """The user's checks of ``campaign`` (of one ``college`` if given) narrowed by the list filters.

    ``filters`` holds cleaned values: ``status`` (a status or a ``StatusFilter`` token),
    ``college`` (code), ``major``, ``class_name``, ``q`` (学号 prefix or part of a name);
    without a ``status`` the list holds the checks still to chase, or every status when searching.
    """
    checks = checks_for(user, campaign)
    if college is not None:
        checks = checks.filter(college=college)
    # A 学号 or name search looks across every status unless a status was chosen:
    # staff searching for one student must find them even when that student is done.
    status = filters.get("status") or (StatusFilter.ALL if filters.get("q") else StatusFilter.OPEN)
    if status == StatusFilter.OPEN:
        checks = checks.filter(status__in=stats.OPEN_STATUSES)
    elif status == StatusFilter.DONE:
        checks = checks.filter(status__in=stats.DONE)
    elif status != StatusFilter.ALL:
        checks = checks.filter(status=status)
    if filters.get("college"):
        checks = checks.filter(college__code=filters["college"])
    if filters.get("major"):
        checks = checks.filter(student__major=filters["major"])
    if filters.get("class_name"):
        checks = checks.filter(student__class_name=filters["class_name"])
    if filters.get("q"):
        q = filters["q"]
        checks = checks.filter(Q(student__student_no__startswith=q) | Q(student__name__contains=q))
    return checks


def check_for(user: User, campaign: Campaign, student_id: int) -> Check:
    """The check of one student in a campaign, within the user's scope, or 404."""
    return get_object_or_404(
        checks_for(user, campaign).select_related("campaign", "student", "student__college", "set_by"),
        student_id=student_id,
    )


def own_checks(user: User) -> QuerySet[Check]:
    """A student's checks in campaigns that have been opened, newest first."""
    if not roles.is_student(user):
        return Check.objects.none()
    return (
        checks_for(user)
        .exclude(campaign__state=Campaign.State.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__opens_on", "campaign__slug")
    )


def own_record(user: User) -> tuple[Student | None, list[Check]]:
    """A student's record and their checks in opened campaigns, for the home page.

    One query (checks with their campaign, the student and the college) while the
    student has a check; the record alone otherwise.
    """
    if not roles.is_student(user):
        return None, []
    # Ordered here rather than in SQL: a student has a handful of checks, and the query
    # compiles noticeably faster without the ordering over the joined campaign.
    checks = list(own_checks(user).select_related("student", "student__college").order_by())
    if not checks:
        return own_student(user), []
    checks.sort(key=lambda check: check.campaign.slug)
    checks.sort(key=lambda check: check.campaign.opens_on, reverse=True)
    student = checks[0].student
    for check in checks:
        check.student = student
    return student, checks


def own_check(user: User, slug: str) -> Check:
    """A student's check in one opened campaign, or 404."""
    return get_object_or_404(own_checks(user).select_related("student", "student__college"), campaign__slug=slug)


def check_history(check: Check, limit: int = 20):
    """The audit events of one check the caller already reached through ``check_for``."""
    return (
        AuditEvent.objects.filter(target_type=Check._meta.label_lower, target_id=str(check.pk))
        .select_related("actor")
        .order_by("-created_at")[:limit]
    )
