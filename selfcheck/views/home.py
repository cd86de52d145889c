"""The first page each role sees after signing in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from selfcheck import selectors
from selfcheck.models import Campaign, Check, Role
from selfcheck.permissions import role_required
from selfcheck.record import record_rows


@login_required
def home(request):
    user = request.user
    if user.is_registrar:
        return redirect("registrar_home")
    if user.role == Role.SECRETARY:
        return redirect("secretary_home")
    if user.role == Role.STUDENT:
        return redirect("student_home")
    if user.role == Role.ADMISSIONS:
        return redirect("admissions_home")
    raise PermissionDenied


def _campaign_counts(checks):
    done = Q(status__in=Check.DONE)
    return checks.aggregate(total=Count("id"), done=Count("id", filter=done))


@role_required(Role.REGISTRAR)
def registrar_home(request):
    campaigns = selectors.campaigns_for(request.user).annotate(
        total=Count("checks"),
        done=Count("checks", filter=Q(checks__status__in=Check.DONE)),
    )
    return render(request, "selfcheck/registrar_home.html", {"campaigns": campaigns})


@role_required(Role.SECRETARY)
def secretary_home(request):
    campaign = selectors.campaigns_for(request.user).filter(state=Campaign.State.OPEN).first()
    colleges = selectors.colleges_for(request.user)
    if campaign is not None:
        colleges = colleges.annotate(
            total=Count("students__checks", filter=Q(students__checks__campaign=campaign)),
            done=Count(
                "students__checks",
                filter=Q(students__checks__campaign=campaign, students__checks__status__in=Check.DONE),
            ),
        )
    return render(request, "selfcheck/secretary_home.html", {"campaign": campaign, "colleges": colleges})


@role_required(Role.STUDENT)
def student_home(request):
    student = selectors.own_student(request.user)
    checks = []
    if student is not None:
        checks = (
            selectors.checks_for(request.user)
            .select_related("campaign")
            .exclude(campaign__state=Campaign.State.DRAFT)
            .order_by("-campaign__opens_on")
        )
    return render(
        request,
        "selfcheck/student_home.html",
        {"student": student, "rows": record_rows(student) if student else [], "checks": checks},
    )


@role_required(Role.ADMISSIONS)
def admissions_home(request):
    corrections = selectors.corrections_for(request.user).select_related("student", "student__college")[:200]
    return render(request, "selfcheck/admissions_home.html", {"corrections": corrections})
