"""Tracking pages: the registrar's campaign dashboard, a college's page, lists and exports,
a staff member setting a student's status on their behalf, and the student's own answers.

Every object comes through a scoped selector (outside the user's scope: 404), every
count through ``selfcheck.stats`` on a scoped queryset, every change through
``selfcheck.services.checks``. Queries per page do not depend on the number of students.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from selfcheck import selectors, stats
from selfcheck.masking import mask_id_number
from selfcheck.models import Check, Role, Student
from selfcheck.permissions import role_required
from selfcheck.record import record_rows
from selfcheck.services.checks import CheckError, check_set_status, window_message
from selfcheck.services.exports import export_response
from selfcheck.tracking_forms import (
    ALL,
    DONE,
    EXPORT_FORMATS,
    OPEN,
    CheckFilterForm,
    DiscrepancyForm,
    OnBehalfForm,
    ProblemForm,
)

PAGE_SIZE = 50
STAFF = (Role.REGISTRAR, Role.SECRETARY)
# Major, class, 学号: the order of the student index (college, major, class), so the
# database can stop after one page instead of sorting the whole college.
LIST_ORDER = ("student__major", "student__class_name", "student__student_no")


# --- helpers ----------------------------------------------------------------------------


def _paginate(request, queryset):
    """One page of ``queryset``; a bad page number gets a message, never an error page."""
    paginator = Paginator(queryset, PAGE_SIZE)
    raw = request.GET.get("page", "1")
    try:
        return paginator.page(raw)
    except PageNotAnInteger:
        messages.warning(request, _("页码无效，已显示第 1 页。"))
        return paginator.page(1)
    except EmptyPage:
        messages.warning(request, _("页码超出范围，已显示最后一页。"))
        return paginator.page(paginator.num_pages)


def _filter(request, checks, *, with_college: bool = False):
    """Apply the list filters in the query string; returns (form, checks, filters dict)."""
    form = CheckFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
    else:
        labels = pgettext("list separator", "、").join(
            str(form.fields[name].label) for name in form.errors if name in form.fields
        )
        messages.error(request, _("筛选条件无效（%(labels)s），已按默认条件显示。") % {"labels": labels})
        form = CheckFilterForm()
        data = {}
    status = data.get("status") or OPEN
    if status == OPEN:
        checks = checks.filter(status__in=stats.OPEN_STATUSES)
    elif status == DONE:
        checks = checks.filter(status__in=stats.DONE)
    elif status != ALL:
        checks = checks.filter(status=status)
    if with_college and data.get("college"):
        checks = checks.filter(college__code=data["college"])
    if data.get("major"):
        checks = checks.filter(student__major=data["major"])
    if data.get("class_name"):
        checks = checks.filter(student__class_name=data["class_name"])
    if data.get("q"):
        q = data["q"]
        checks = checks.filter(Q(student__student_no__startswith=q) | Q(student__name__contains=q))
    filters = {key: value for key, value in data.items() if value and (with_college or key != "college")}
    return form, checks, filters


def posted(request):
    """The POST data of a POST, even an empty one, so an empty form shows its errors."""
    return request.POST if request.method == "POST" else None


def _query_string(filters: dict, **extra) -> str:
    return urlencode({**filters, **extra})


def detail_rows(detail: dict | None) -> list[tuple[str, str]]:
    """What a student reported, as (label, value) rows; ID numbers masked."""
    if not isinstance(detail, dict):
        return []
    fields = detail.get("fields")
    rows = []
    for name, value in fields.items() if isinstance(fields, dict) else ():
        try:
            label = str(Student._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # written by an import or an older form
            label = str(name)
        rows.append(
            (_("%(label)s应为") % {"label": label}, mask_id_number(str(value)) if name == "id_number" else str(value))
        )
    if detail.get("note"):
        rows.append((_("说明"), str(detail["note"])))
    return rows


def _detail_text(detail: dict | None) -> str:
    return "；".join(f"{label}：{value}" for label, value in detail_rows(detail))


EXPORT_HEADERS = [
    "学号", "姓名", "学院", "专业", "班级", "证件号码", "联系电话", "核对状态", "无法登录原因", "来源",
    "更新时间", "完成时间", "学生说明",
]  # fmt: skip


def _export_rows(checks):
    for check in checks.select_related("student", "student__college").iterator(chunk_size=2000):
        student = check.student
        yield [
            student.student_no, student.name, student.college.name, student.major, student.class_name,
            mask_id_number(student.id_number), student.phone, check.get_status_display(),
            check.get_blocked_reason_display() if check.blocked_reason else "", check.get_source_display(),
            check.set_at, check.completed_at, _detail_text(check.detail),
        ]  # fmt: skip


def _export_format(request) -> str | None:
    fmt = request.GET.get("format", "xlsx")
    return fmt if fmt in EXPORT_FORMATS else None


# --- charts: inline SVG, computed here so the pages work offline without scripts ---------


def trend_chart(points: list[dict], target) -> dict | None:
    """Geometry of the daily chart: cumulative completion (line) and new per day (bars)."""
    if not points:
        return None
    width, height, left, right, top, bottom = 720, 260, 44, 44, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(points)
    max_new = max(p["new"] for p in points) or 1
    label_every = max(1, math.ceil(len(points) / 8))
    bars, dots, labels = [], [], []
    for i, p in enumerate(points):
        x = left + i * step
        bar_h = plot_h * p["new"] / max_new
        bars.append({"x": round(x + step * 0.2, 1), "y": round(top + plot_h - bar_h, 1),
                     "w": round(step * 0.6, 1), "h": round(bar_h, 1), "point": p})  # fmt: skip
        cx = x + step / 2
        cy = top + plot_h * (1 - float(p["rate"]) / 100)
        dots.append({"x": round(cx, 1), "y": round(cy, 1), "point": p})
        if i % label_every == 0 or i == len(points) - 1:
            labels.append({"x": round(cx, 1), "text": p["day"].strftime("%m-%d")})
    grid = [{"y": round(top + plot_h * (1 - v / 100), 1), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    target_y = round(top + plot_h * (1 - float(target) / 100), 1)
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": top + plot_h, "bars": bars, "dots": dots, "labels": labels, "grid": grid,
        "line": " ".join(f"{d['x']},{d['y']}" for d in dots), "target_y": target_y, "target": target,
        "max_new": max_new, "label_y": top + plot_h + 18,
    }  # fmt: skip


def college_chart(rows: list[dict], target) -> dict | None:
    """Geometry of the per-college bar chart, rows already ranked."""
    if not rows:
        return None
    width, left, right, row_h, top = 720, 170, 60, 24, 8
    plot_w = width - left - right
    bars = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        bar_w = plot_w * float(row["rate"]) / 100
        bars.append({"y": y + 4, "text_y": y + row_h / 2 + 4, "w": round(bar_w, 1),
                     "end": round(left + bar_w + 6, 1), "row": row,
                     "reached": row["rate"] >= target})  # fmt: skip
    height = top * 2 + row_h * len(rows)
    return {
        "width": width, "height": height, "left": left, "bars": bars, "bar_h": row_h - 8,
        "target_x": round(left + plot_w * float(target) / 100, 1), "target": target, "bottom": height - top,
    }  # fmt: skip


# --- registrar: the whole campaign ------------------------------------------------------


@role_required(Role.REGISTRAR)
def campaign_dashboard(request, slug):
    campaign = selectors.campaign_for(request.user, slug)
    checks = selectors.checks_for(request.user, campaign)
    overview = stats.cached(campaign, lambda: stats.campaign_overview(checks, campaign))
    overall = overview["overall"]
    problems = _paginate(
        request,
        checks.filter(status__in=(Check.Status.BLOCKED, Check.Status.MISSING))
        .select_related("student", "student__college")
        .order_by("-set_at", "pk"),
    )
    return render(
        request,
        "tracking/campaign_dashboard.html",
        {
            "campaign": campaign,
            "overall": overall,
            "colleges": overview["colleges"],
            "computed_at": overview["computed_at"],
            "short": stats.short_of_target(overall, campaign.target_rate),
            "status_rows": _status_rows(overall),
            "trend_chart": trend_chart(overview["trend"], campaign.target_rate),
            "college_chart": college_chart(overview["colleges"], campaign.target_rate),
            "problems": problems,
            "bulletins": campaign.bulletins.all(),
            "window_open": campaign.is_within_window(),
        },
    )


def _status_rows(counts: dict) -> list[dict]:
    return [{"status": value, "label": label, "count": counts[value]} for value, label in Check.Status.choices]


@role_required(Role.REGISTRAR)
def campaign_checks(request, slug):
    """Every student of the campaign, filtered and searched; the registrar's drill-down list."""
    campaign = selectors.campaign_for(request.user, slug)
    checks = selectors.checks_for(request.user, campaign)
    form, filtered, filters = _filter(request, checks, with_college=True)
    page = _paginate(request, filtered.select_related("student", "student__college").order_by(
        "student__college__code", *LIST_ORDER))  # fmt: skip
    return render(
        request,
        "tracking/campaign_checks.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "colleges": selectors.colleges_for(request.user),
            "filters_qs": _query_string(filters),
        },
    )


@role_required(Role.REGISTRAR)
def campaign_export(request, slug, kind):
    campaign = selectors.campaign_for(request.user, slug)
    fmt = _export_format(request)
    if fmt is None:
        messages.error(request, _("导出格式无效，只支持 xlsx 或 csv。"))
        return redirect("campaign_dashboard", slug=campaign.slug)
    checks = selectors.checks_for(request.user, campaign)
    if kind == "colleges":
        rows = stats.campaign_summary(checks)["colleges"]
        headers = ["名次", "学院代码", "学院", "学生数", "已完成", "完成率(%)"] + [
            str(label) for _value, label in Check.Status.choices
        ]
        data = (
            [r["rank"], r["code"], r["name"], r["total"], r["done"], r["rate"]] + [r[s] for s in stats.STATUSES]
            for r in rows
        )
        return export_response(fmt, f"{campaign.slug}-各学院完成情况", headers, data)
    if kind == "checks":
        _form, filtered, _filters = _filter(request, checks, with_college=True)
        return export_response(
            fmt, f"{campaign.slug}-学生名单", EXPORT_HEADERS,
            _export_rows(filtered.order_by("student__college__code", *LIST_ORDER)),
        )  # fmt: skip
    if kind == "problems":
        problems = checks.filter(status__in=(Check.Status.BLOCKED, Check.Status.MISSING))
        return export_response(
            fmt, f"{campaign.slug}-无法登录与查无学籍", EXPORT_HEADERS,
            _export_rows(problems.order_by("student__college__code", *LIST_ORDER)),
        )  # fmt: skip
    messages.error(request, _("没有这种导出。"))
    return redirect("campaign_dashboard", slug=campaign.slug)


# --- a college: secretaries for theirs, the registrar for any ---------------------------


@role_required(*STAFF)
def college_dashboard(request, slug, code):
    campaign = selectors.campaign_for(request.user, slug)
    college = selectors.college_for(request.user, code)
    checks = selectors.checks_for(request.user, campaign).filter(college=college)
    overview = stats.cached(campaign, lambda: stats.college_overview(checks, campaign), college_id=college.pk)
    counts = overview["counts"]
    form, filtered, filters = _filter(request, checks)
    page = _paginate(request, filtered.select_related("student").order_by(*LIST_ORDER))
    return render(
        request,
        "tracking/college_dashboard.html",
        {
            "campaign": campaign,
            "college": college,
            "counts": counts,
            "short": stats.short_of_target(counts, campaign.target_rate),
            "status_rows": _status_rows(counts),
            "majors": overview["majors"],
            "classes": overview["classes"],
            "computed_at": overview["computed_at"],
            "trend_chart": trend_chart(overview["trend"], campaign.target_rate),
            "form": form,
            "page": page,
            "filters": filters,
            "filters_qs": _query_string(filters),
            "major_choices": [m["major"] for m in overview["majors"]],
            "class_choices": [c["class_name"] for c in overview["classes"]],
            "can_set": campaign.state == campaign.State.OPEN or request.user.is_registrar,
        },
    )


@role_required(*STAFF)
def college_export(request, slug, code):
    campaign = selectors.campaign_for(request.user, slug)
    college = selectors.college_for(request.user, code)
    fmt = _export_format(request)
    if fmt is None:
        messages.error(request, _("导出格式无效，只支持 xlsx 或 csv。"))
        return redirect("college_dashboard", slug=campaign.slug, code=college.code)
    checks = selectors.checks_for(request.user, campaign).filter(college=college)
    _form, filtered, filters = _filter(request, checks)
    label = "未完成名单" if not filters.get("status") else "学生名单"
    stamp = timezone.localtime().strftime("%Y%m%d")
    return export_response(
        fmt, f"{college.name}-{label}-{stamp}", EXPORT_HEADERS, _export_rows(filtered.order_by(*LIST_ORDER))
    )


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
            "history": _history_rows(selectors.check_history(check)),
            "form": form,
        },
    )


CHANGE_LABELS = {
    "status": gettext_lazy("状态"),
    "source": gettext_lazy("来源"),
    "blocked_reason": gettext_lazy("无法登录原因"),
    "reason": gettext_lazy("原因"),
}
CHOICE_LABELS = {
    "status": dict(Check.Status.choices),
    "source": dict(Check.Source.choices),
    "blocked_reason": dict(Check.BlockedReason.choices),
}


def _history_rows(events) -> list[dict]:
    rows = []
    for event in events:
        lines = []
        for key, label in CHANGE_LABELS.items():
            if key not in event.changes:
                continue
            old, new = (list(event.changes[key]) + [None, None])[:2]
            names = CHOICE_LABELS.get(key, {})
            old, new = names.get(old, old), names.get(new, new)
            if key == "reason":
                lines.append(_("%(label)s：%(new)s") % {"label": label, "new": new})
            else:
                lines.append(_("%(label)s：%(old)s → %(new)s") % {"label": label, "old": old or "—", "new": new or "—"})
        actor = event.actor
        rows.append({
            "at": event.created_at,
            "actor": (actor.get_full_name() or actor.username) if actor else _("系统"),
            "lines": lines,
        })  # fmt: skip
    return rows


# --- the student's own answers ----------------------------------------------------------


def _student_done(request, check, **kwargs):
    try:
        check = check_set_status(check, by=request.user, source=Check.Source.STUDENT, request=request, **kwargs)
    except CheckError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(
        request, _("已记录：%(status)s。%(thanks)s") % {"status": check.get_status_display(), "thanks": _thanks(check)}
    )
    return True


def _thanks(check: Check) -> str:
    if check.status == Check.Status.CONFIRMED:
        return _("感谢配合！")
    if check.status == Check.Status.DISCREPANCY:
        return _("学院和学籍科将根据您填写的信息跟进更正。")
    return _("请按提示处理，学院教学秘书会与您联系。")


@role_required(Role.STUDENT)
@require_POST
def student_confirm(request, slug):
    check = selectors.own_check(request.user, slug)
    _student_done(request, check, status=Check.Status.CONFIRMED, detail={})
    return redirect("student_home")


@role_required(Role.STUDENT)
@require_http_methods(["GET", "POST"])
def student_discrepancy(request, slug):
    check = selectors.own_check(request.user, slug)
    record = record_rows(check.student)
    initial = check.detail if check.status == Check.Status.DISCREPANCY else None
    form = DiscrepancyForm(posted(request), record=record, initial_detail=initial)
    if request.method == "POST" and form.is_valid():
        if _student_done(request, check, status=Check.Status.DISCREPANCY, detail=form.cleaned_data["detail"]):
            return redirect("student_home")
    return render(
        request,
        "tracking/student_discrepancy.html",
        {"check": check, "campaign": check.campaign, "form": form, "closed": window_message(check.campaign)},
    )


@role_required(Role.STUDENT)
@require_http_methods(["GET", "POST"])
def student_blocked(request, slug):
    check = selectors.own_check(request.user, slug)
    form = ProblemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if _student_done(request, check, **form.service_kwargs()):
            return redirect("student_home")
    help_lines = [line for line in check.campaign.login_help.splitlines() if line.strip()]
    return render(
        request,
        "tracking/student_blocked.html",
        {
            "check": check,
            "campaign": check.campaign,
            "form": form,
            "help_lines": help_lines,
            "closed": window_message(check.campaign),
        },
    )
