"""The first page each role sees after signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from selfcheck import roles, selectors, stats
from selfcheck.models import Campaign, Check, Role
from selfcheck.permissions import role_required
from selfcheck.presenters import detail_rows
from selfcheck.presenters_corrections import change_rows, comment_rows, correction_rows, count_rows
from selfcheck.record import record_rows
from selfcheck.selectors import corrections as corrections_selectors
from selfcheck.services.checks import window_message
from selfcheck.views.pagecache import render_cached


@login_required
def home(request):
    user = request.user
    if roles.is_registrar(user):
        return redirect("registrar_home")
    if roles.is_secretary(user):
        return redirect("secretary_home")
    if roles.is_student(user):
        return redirect("student_home")
    if roles.is_admissions(user):
        return redirect("admissions_home")
    raise PermissionDenied


@role_required(Role.REGISTRAR)
def registrar_home(request):
    campaigns = selectors.campaigns_for(request.user).annotate(
        total=Count("checks"),
        done=Count("checks", filter=Q(checks__status__in=Check.DONE)),
    )
    bulletins = selectors.bulletins_for(request.user).select_related("campaign").order_by("-scheduled_at")[:20]
    return render(
        request,
        "selfcheck/registrar_home.html",
        {
            "campaigns": campaigns,
            "bulletins": bulletins,
            "correction_counts": count_rows(corrections_selectors.correction_counts(request.user)),
        },
    )


@role_required(Role.SECRETARY)
def secretary_home(request):
    """The secretary's colleges with their completion in the chosen (default: current) campaign."""
    campaigns = list(selectors.campaigns_for(request.user).order_by("-opens_on", "slug"))
    wanted = request.GET.get("campaign")
    campaign = next((c for c in campaigns if c.slug == wanted), None)
    if wanted and campaign is None:
        messages.error(request, _("没有找到该核查活动，已显示当前活动。"))
    if campaign is None:
        campaign = next((c for c in campaigns if c.state == Campaign.State.OPEN), campaigns[0] if campaigns else None)
    colleges = list(selectors.colleges_for(request.user))
    bulletins = []
    if campaign is not None:
        bulletins = selectors.bulletins_for(request.user).filter(campaign=campaign).select_related("campaign")
        bulletins = bulletins.order_by("-sequence")
        counts = {row["college_id"]: row for row in stats.college_counts(selectors.checks_for(request.user, campaign))}
        for college in colleges:
            college.counts = counts.get(college.pk) or stats.empty_counts()
    return render(
        request,
        "selfcheck/secretary_home.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "colleges": colleges,
            "bulletins": bulletins,
            "correction_counts": count_rows(corrections_selectors.correction_counts(request.user, campaign)),
        },
    )


@role_required(Role.STUDENT)
def student_home(request):
    """The record as the school holds it, the campaign's steps and the three answers."""
    student, checks = selectors.own_record(request.user)
    today = timezone.localdate()
    for check in checks:
        check.closed_message = window_message(check.campaign, today)
        check.steps = [line for line in check.campaign.instructions.splitlines() if line.strip()]
        check.reported = detail_rows(check.detail)
    corrections = []
    if student is not None:
        for row in correction_rows(corrections_selectors.own_corrections(request.user)):
            row["notices"] = comment_rows(reversed(list(row["correction"].comments.all())))
            corrections.append(row)
    return render_cached(
        request,
        "selfcheck/student_home.html",
        {
            "student": student,
            "rows": record_rows(student) if student else [],
            "checks": checks,
            "corrections": corrections,
            "history": change_rows(corrections_selectors.student_changes(student)) if student else [],
        },
    )


@role_required(Role.ADMISSIONS)
def admissions_home(request):
    queue = corrections_selectors.correction_queue(request.user, corrections_selectors.QueueFilters(state="forwarded"))
    return render(
        request,
        "selfcheck/admissions_home.html",
        {
            "corrections": queue[:200],
            "correction_counts": count_rows(corrections_selectors.correction_counts(request.user)),
        },
    )
