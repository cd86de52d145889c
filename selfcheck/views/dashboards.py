"""Dashboards: the registrar's view of a whole campaign, and a college's page (its
secretaries for theirs, the registrar for any).

Every count comes from ``selfcheck.stats`` on a queryset scoped by ``selectors``;
queries per page do not depend on the number of students.
"""

from __future__ import annotations

from django.shortcuts import render

from selfcheck import counters, roles, selectors, stats
from selfcheck.charts import college_chart, sparkline, trend_chart
from selfcheck.forecast import PACE_DAYS
from selfcheck.models import Check, Role
from selfcheck.permissions import role_required
from selfcheck.selectors.pushes import college_push_of
from selfcheck.views.helpers import LIST_ORDER, hidden_by_status, list_filters, paginate, query_string, status_rows

STAFF = (Role.REGISTRAR, Role.SECRETARY)


def _with_sparklines(rows: list[dict]) -> list[dict]:
    return [{**row, "spark": sparkline(row["forecast"].recent)} for row in rows]


@role_required(Role.REGISTRAR)
def campaign_dashboard(request, slug):
    campaign = selectors.campaign_for(request.user, slug)
    checks = selectors.checks_for(request.user, campaign)
    overview = stats.cached(campaign, lambda: counters.campaign_overview(campaign))
    overall = overview["overall"]
    problems = paginate(
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
            "status_rows": status_rows(overall),
            "trend_chart": trend_chart(overview["trend"], campaign.target_rate),
            "college_chart": college_chart(overview["colleges"], campaign.target_rate),
            "forecasts": _with_sparklines(overview["forecasts"]),
            "pace_days": PACE_DAYS,
            "problems": problems,
            "bulletins": campaign.bulletins.all(),
            "window_open": campaign.is_within_window(),
            "overlaps": list(selectors.open_overlaps(campaign)) if campaign.state != campaign.State.OPEN else [],
        },
    )


@role_required(*STAFF)
def college_dashboard(request, slug, code):
    campaign = selectors.campaign_for(request.user, slug)
    college = selectors.college_for(request.user, code)
    overview = stats.cached(campaign, lambda: counters.college_overview(campaign, college), college_id=college.pk)
    counts = overview["counts"]
    form, filters = list_filters(request)
    filtered = selectors.checks_filtered(request.user, campaign, filters, college=college)
    page = paginate(request, filtered.select_related("student").order_by(*LIST_ORDER))
    return render(
        request,
        "tracking/college_dashboard.html",
        {
            "campaign": campaign,
            "college": college,
            "counts": counts,
            "short": stats.short_of_target(counts, campaign.target_rate),
            "status_rows": status_rows(counts),
            "majors": overview["majors"],
            "classes": overview["classes"],
            "computed_at": overview["computed_at"],
            "trend_chart": trend_chart(overview["trend"], campaign.target_rate),
            "forecasts": _with_sparklines([{"name": college.name, "forecast": overview["forecast"]}]),
            "pace_days": PACE_DAYS,
            "form": form,
            "page": page,
            "filters": filters,
            "filters_qs": query_string(filters),
            "hidden": hidden_by_status(request.user, campaign, filters, page, college=college),
            "major_choices": [m["major"] for m in overview["majors"]],
            "class_choices": [c["class_name"] for c in overview["classes"]],
            "push": college_push_of(college),
            "can_set": campaign.state == campaign.State.OPEN or roles.is_registrar(request.user),
        },
    )
