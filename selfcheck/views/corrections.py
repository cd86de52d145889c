"""Correction requests for every role: the queues, one request, its steps, its evidence, the export.

Objects come through ``selfcheck.selectors.corrections`` (outside the user's scope:
404); a step the user's role may never take is a 403; every change goes through
``selfcheck.services.corrections``, which is handed ``queue_notice`` to e-mail the next
party after commit.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from selfcheck import roles, selectors
from selfcheck.forms.corrections import BulkForm, QueueFilterForm, StepForm
from selfcheck.models import Role
from selfcheck.permissions import role_required
from selfcheck.presenters_corrections import change_rows, comment_rows, correction_rows, count_rows, difference_rows
from selfcheck.selectors import corrections as corrections_selectors
from selfcheck.services import correction_exports
from selfcheck.services import corrections as service
from selfcheck.services.correction_apply import record_differences
from selfcheck.tasks.corrections import queue_notice
from selfcheck.views.helpers import paginate

STAFF_ROLES = (Role.REGISTRAR, Role.SECRETARY, Role.ADMISSIONS)
ALL_ROLES = (*STAFF_ROLES, Role.STUDENT)
STOPPING = ("return", "reject", "withdraw")
STEP_SERVICES = {
    "return": service.correction_return,
    "review": service.correction_review,
    "forward": service.correction_forward,
    "approve": service.correction_approve,
    "reject": service.correction_reject,
    "submit_province": service.correction_submit_province,
    "withdraw": service.correction_withdraw,
}


def _queue_filters(request):
    colleges = selectors.colleges_for(request.user) if not roles.is_admissions(request.user) else []
    form = QueueFilterForm(request.GET or None, colleges=colleges)
    filters = corrections_selectors.QueueFilters(state="open")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = corrections_selectors.QueueFilters(
            campaign=selectors.campaigns_for(request.user).filter(slug=data["campaign"]).first() if data["campaign"] else None,
            state=data["state"], college=data["college"], cause=data["cause"], field=data["field"],
            older_than_days=int(data["age"]) if data["age"] else None,
        )  # fmt: skip
    elif form.is_bound:
        messages.error(request, _("筛选条件无效，已按默认条件显示。"))
        form = QueueFilterForm(colleges=colleges)
    return form, filters


@role_required(*STAFF_ROLES)
def correction_queue(request):
    """Each role's queue: the secretary's colleges, the registrar's everything, admissions' forwarded."""
    form, filters = _queue_filters(request)
    page = paginate(request, corrections_selectors.correction_queue(request.user, filters))
    return render(
        request,
        "corrections/queue.html",
        {
            "form": form,
            "page": page,
            "rows": correction_rows(page.object_list),
            "correction_counts": count_rows(corrections_selectors.correction_counts(request.user, filters.campaign)),
            "bulk": BulkForm() if request.user.is_registrar else None,
            "query": request.GET.urlencode(),
            "filters_qs": "&".join(
                f"{k}={v}" for k, v in [(k, quote(v)) for k, v in request.GET.items()] if k != "page"
            ),
        },
    )


@role_required(Role.REGISTRAR)
@require_POST
def correction_bulk(request):
    form = BulkForm(request.POST)
    back = redirect(f"{_url('correction_queue')}?{request.POST.get('query', '')}")
    if not form.is_valid():
        messages.error(request, _("请选择操作和至少一个申请。"))
        return back
    action = form.cleaned_data["action"]
    done, refused = 0, []
    for correction in corrections_selectors.corrections_for(request.user).filter(pk__in=form.cleaned_data["ids"]):
        try:
            STEP_SERVICES[action](correction, by=request.user, request=request, notify=queue_notice)
            done += 1
        except service.CorrectionError as exc:
            refused.append(f"#{correction.pk}: {exc}")
    if done:
        messages.success(request, _("已处理 %(n)d 个申请。") % {"n": done})
    for line in refused[:10]:
        messages.warning(request, line)
    return back


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@role_required(*ALL_ROLES)
def correction_detail(request, pk):
    correction = corrections_selectors.correction_for(request.user, pk)
    actions = service.allowed_actions(correction, request.user)
    student = correction.student
    differences = []
    if "apply" in actions:
        differences = difference_rows(record_differences(correction, student))
    return render(
        request,
        "corrections/detail.html",
        {
            "correction": correction,
            "student": student,
            "items": correction_rows([correction])[0]["items"],
            "evidence": correction.evidence.all(),
            "comments": comment_rows(correction.comments.select_related("author")),
            # Steps that move the request forward first, the ones that stop or send it back last.
            "actions": [(a, service.STEPS[a]) for a in sorted(actions, key=lambda a: a in STOPPING) if a != "update"],
            "can_edit": "update" in actions,
            "form": StepForm(),
            "differences": differences,
            "history": change_rows(corrections_selectors.student_changes(student)),
            "is_staff": request.user.role != Role.STUDENT,
        },
    )


@role_required(*ALL_ROLES)
@require_POST
def correction_step(request, pk, action):
    correction = corrections_selectors.correction_for(request.user, pk)
    if action not in service.STEPS or action in ("file", "update"):
        raise Http404
    if service.role_of(request.user) not in service.STEPS[action].roles:
        raise PermissionDenied
    form = StepForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "answer":
            service.correction_answer(correction, by=request.user, answer=data.get("answer", ""), text=data.get("text", ""),
                                      request=request, notify=queue_notice)  # fmt: skip
        elif action == "apply":
            service.correction_apply(correction, by=request.user, reference=data.get("reference", ""),
                                     text=data.get("text", ""), request=request, notify=queue_notice)  # fmt: skip
        else:
            STEP_SERVICES[action](correction, by=request.user, text=data.get("text", ""), request=request,
                                  notify=queue_notice)  # fmt: skip
    except service.CorrectionForbidden:
        raise PermissionDenied from None
    except service.CorrectionConflict as exc:
        messages.error(request, str(exc))
        for line in difference_rows(exc.differences):
            messages.warning(request, _("%(label)s：提交时为“%(old)s”，现在为“%(new)s”") % line)
    except service.CorrectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已%(action)s。") % {"action": service.STEPS[action].label})
    return redirect("correction_detail", pk=correction.pk)


@role_required(*ALL_ROLES)
def evidence_download(request, pk, evidence_id):
    """An evidence file, to the people who may see its request, always as a download."""
    item = corrections_selectors.evidence_for(request.user, pk, evidence_id)
    if not item.file:  # deleted after the retention period
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.REGISTRAR)
def correction_export(request):
    """The CHSI record-change list of the filtered campaign (approved and applied)."""
    _form, filters = _queue_filters(request)
    queue = corrections_selectors.corrections_for(request.user)
    if filters.campaign is not None:
        queue = queue.filter(campaign=filters.campaign)
    states = [filters.state] if filters.state in correction_exports.EXPORT_STATES else correction_exports.EXPORT_STATES
    content, _rows = correction_exports.corrections_export(
        queue, campaign=filters.campaign, states=states, by=request.user, request=request
    )
    name = f"{filters.campaign.slug if filters.campaign else 'all'}-学籍变更-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
