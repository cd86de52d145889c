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

# 学信网's student archive, where the student checks the record.
CHSI_URL = "https://my.chsi.com.cn/archive/index.jsp"


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
    campaign, missing = selectors.pick_campaign(campaigns, request.GET.get("campaign"))
    if missing:
        messages.error(request, _("没有找到该核查活动，已显示当前活动。"))
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
    """Status and answers first, one card per open campaign; whom to ask; the record below."""
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
    current = [c for c in checks if c.campaign.state == Campaign.State.OPEN]
    finished = [c for c in checks if c.campaign.state != Campaign.State.OPEN]
    return render_cached(
        request,
        "selfcheck/student_home.html",
        {
            "student": student,
            "rows": record_rows(student) if student else [],
            "corrections": corrections,
            "history": change_rows(corrections_selectors.student_changes(student)) if student else [],
            "checks": current,
            "finished": finished,
            "secretaries": selectors.secretaries_of(student) if student else [],
            "office_contact": selectors.office_contact(current[0].campaign if current else None),
            "chsi_url": CHSI_URL,
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
