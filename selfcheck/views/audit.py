"""The audit page for registrar staff, outside the Django admin: filter and export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from selfcheck import audit_trail, selectors
from selfcheck.forms.audit import AuditFilterForm
from selfcheck.permissions import role_required
from selfcheck.roles import Role
from selfcheck.services.exports import export_response
from selfcheck.views.helpers import paginate


def _filtered(request):
    """(form, events, query string of the filters); events is None when the filters are wrong."""
    events = selectors.audit_events_for(request.user)
    form = AuditFilterForm(request.GET or None)
    data = {}
    if request.GET.keys() - {"page"}:
        if not form.is_valid():
            return form, None, ""
        data = form.cleaned_data
    filters = {key: value for key, value in data.items() if value}
    return form, selectors.audit_events_filtered(events, data), urlencode(filters)


@never_cache
@role_required(Role.REGISTRAR)
@require_GET
def audit_list(request):
    form, events, filters_qs = _filtered(request)
    if events is None:
        messages.error(request, _("筛选条件有误，请按提示修改。"))
        events = selectors.audit_events_for(request.user).none()
    page = paginate(request, events)
    rows = audit_trail.event_rows(page.object_list)
    return render(request, "audit/list.html", {"form": form, "page": page, "rows": rows, "filters_qs": filters_qs})


@never_cache
@role_required(Role.REGISTRAR)
@require_GET
def audit_export(request):
    _form, events, _qs = _filtered(request)
    if events is None:
        messages.error(request, _("筛选条件有误，请按提示修改。"))
        return redirect(f"{reverse('audit_list')}?{request.GET.urlencode()}")
    stamp = timezone.localtime().strftime("%Y%m%d")
    headers = [str(title) for title in audit_trail.EXPORT_HEADERS]
    return export_response("xlsx", _("操作日志-%(date)s") % {"date": stamp}, headers, audit_trail.export_rows(events))
