"""Lists of checks: the registrar's drill-down, the exports, and one student's check,
where staff set the status on the student's behalf with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import selectors, stats
from selfcheck.forms.checks import OnBehalfForm
from selfcheck.models import Check, Role
from selfcheck.permissions import role_required
from selfcheck.presenters import detail_rows, history_rows
from selfcheck.presenters_corrections import correction_context
from selfcheck.record import record_rows
from selfcheck.services import exports
from selfcheck.services.checks import CheckError, check_set_status
from selfcheck.views.helpers import (
    LIST_ORDER,
    export_format,
    hidden_by_status,
    list_filters,
    paginate,
    posted,
    query_string,
)

STAFF = (Role.REGISTRAR, Role.SECRETARY)


@role_required(Role.REGISTRAR)
def campaign_checks(request, slug):
    """Every student of the campaign, filtered and searched; the registrar's drill-down list."""
    campaign = selectors.campaign_for(request.user, slug)
    form, filters = list_filters(request, with_college=True)
    filtered = selectors.checks_filtered(request.user, campaign, filters)
    page = paginate(request, filtered.select_related("student", "student__college").order_by(
        "student__college__code", *LIST_ORDER))  # fmt: skip
    return render(
        request,
        "tracking/campaign_checks.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "colleges": selectors.colleges_for(request.user),
            "filters_qs": query_string(filters),
            "hidden": hidden_by_status(request.user, campaign, filters, page),
        },
    )


@role_required(Role.REGISTRAR)
def campaign_export(request, slug, kind):
    campaign = selectors.campaign_for(request.user, slug)
    fmt = export_format(request)
    if fmt is None:
        messages.error(request, _("导出格式无效，只支持 xlsx 或 csv。"))
        return redirect("campaign_dashboard", slug=campaign.slug)
    checks = selectors.checks_for(request.user, campaign)
    stamp = timezone.localtime().strftime("%Y%m%d")
    if kind == "colleges":
        rows = stats.campaign_summary(checks)["colleges"]
        return exports.export_response(
            fmt, f"{campaign.name}-各学院完成情况-{stamp}", exports.college_headers(), exports.college_rows(rows)
        )
    if kind == "checks":
        _form, filters = list_filters(request, with_college=True)
        filtered = selectors.checks_filtered(request.user, campaign, filters)
        return exports.export_response(
            fmt, f"{campaign.name}-学生名单-{stamp}", exports.CHECK_HEADERS,
            exports.check_rows(filtered.order_by("student__college__code", *LIST_ORDER)),
        )  # fmt: skip
    if kind == "problems":
        problems = checks.filter(status__in=(Check.Status.BLOCKED, Check.Status.MISSING))
        return exports.export_response(
            fmt, f"{campaign.name}-无法登录与查无学籍-{stamp}", exports.CHECK_HEADERS,
            exports.check_rows(problems.order_by("student__college__code", *LIST_ORDER)),
        )  # fmt: skip
    messages.error(request, _("没有这种导出。"))
    return redirect("campaign_dashboard", slug=campaign.slug)


@role_required(*STAFF)
def college_export(request, slug, code):
    campaign = selectors.campaign_for(request.user, slug)
    college = selectors.college_for(request.user, code)
    fmt = export_format(request)
    if fmt is None:
        messages.error(request, _("导出格式无效，只支持 xlsx 或 csv。"))
        return redirect("college_dashboard", slug=campaign.slug, code=college.code)
    _form, filters = list_filters(request)
    filtered = selectors.checks_filtered(request.user, campaign, filters, college=college)
    label = "未完成名单" if not (filters.get("status") or filters.get("q")) else "学生名单"
    stamp = timezone.localtime().strftime("%Y%m%d")
    return exports.export_response(
        fmt, f"{campaign.name}-{college.name}-{label}-{stamp}", exports.CHECK_HEADERS,
        exports.check_rows(filtered.order_by(*LIST_ORDER)),
    )  # fmt: skip


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def check_detail(request, slug, student_id):
    """One student's check; staff set the status on the student's behalf with a reason."""
    campaign = selectors.campaign_for(request.user, slug)
    check = selectors.check_for(request.user, campaign, student_id)
    form = OnBehalfForm(posted(request), initial={"status": check.status, "blocked_reason": check.blocked_reason})
    if request.method == "POST" and form.is_valid():
        try:
            check_set_status(
                check,
                status=form.cleaned_data["status"],
                blocked_reason=form.cleaned_data["blocked_reason"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except CheckError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("已将 %(name)s 的核对状态设为“%(status)s”。")
                % {"name": check.student.name, "status": Check.Status(form.cleaned_data["status"]).label},
            )
            return redirect("check_detail", slug=campaign.slug, student_id=check.student_id)
    student = check.student
    return render(
        request,
        "tracking/check_detail.html",
        {
            "campaign": campaign,
            "check": check,
            "student": student,
            "rows": record_rows(student),
            "detail": detail_rows(check.detail),
            "history": history_rows(selectors.check_history(check)),
            "form": form,
            **correction_context(request.user, student),
        },
    )
