"""Small pieces every page family uses: pagination, list filters, POST data, exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from selfcheck import selectors
from selfcheck.forms.checks import EXPORT_FORMATS, CheckFilterForm
from selfcheck.models import Check
from selfcheck.selectors.checks import StatusFilter

PAGE_SIZE = 50
# Major, class, 学号: the order of the student index (college, major, class), so the
# database can stop after one page instead of sorting the whole college.
LIST_ORDER = ("student__major", "student__class_name", "student__student_no")


def paginate(request, queryset):
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


def list_filters(request, *, with_college: bool = False) -> tuple[CheckFilterForm, dict]:
    """The list filters in the query string: (form, cleaned filters without empty values).

    Invalid filters get a message and the defaults, never an error page.
    """
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
    filters = {key: value for key, value in data.items() if value and (with_college or key != "college")}
    return form, filters


def posted(request):
    """The POST data of a POST, even an empty one, so an empty form shows its errors."""
    return request.POST if request.method == "POST" else None


def query_string(filters: dict, **extra) -> str:
    return urlencode({**filters, **extra})


def export_format(request) -> str | None:
    fmt = request.GET.get("format", "xlsx")
    return fmt if fmt in EXPORT_FORMATS else None


def status_rows(counts: dict) -> list[dict]:
    return [{"status": value, "label": label, "count": counts[value]} for value, label in Check.Status.choices]


def hidden_by_status(user, campaign, filters: dict, page, *, college=None) -> int:
    """How many students match the search but are hidden by the chosen status filter
    (counted only when the page came back empty), so the page can say so plainly."""
    if page.object_list or not filters.get("q") or not filters.get("status"):
        return 0
    widened = {**filters, "status": StatusFilter.ALL}
    return selectors.checks_filtered(user, campaign, widened, college=college).count()
