"""Roster and CHSI check-list import pages: upload, progress, preview, confirm.

Thin views: the import comes through ``selectors.imports_for`` (404 outside it),
forms validate, services in ``selfcheck.services.roster`` do the work.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from selfcheck import selectors
from selfcheck.forms.imports import CollegeResolveForm, ConfirmForm, ImportUploadForm, RevalidateForm, SheetForm
from selfcheck.models import Campaign, Level, Role, RosterImport
from selfcheck.permissions import role_required
from selfcheck.safe_names import content_disposition
from selfcheck.services import roster
from selfcheck.services.exports import export_response
from selfcheck.services.roster.headers import CHECKLIST_COLUMNS, ROSTER_COLUMNS
from selfcheck.services.roster.states import RUNNING
from selfcheck.tasks import imports as tasks
from selfcheck.views.uploads import UploadLimitHandler

ERRORS_SHOWN = 500


def _campaigns(user):
    return selectors.campaigns_for(user).exclude(state=Campaign.State.CLOSED)


def _record(request, pk: int) -> RosterImport:
    return selectors.import_for(request.user, pk)


@role_required(Role.REGISTRAR)
@require_GET
def import_list(request):
    imports = selectors.imports_for(request.user).select_related("campaign", "uploaded_by")[:50]
    form = ImportUploadForm(campaigns=_campaigns(request.user))
    return render(request, "imports/list.html", {"imports": imports, "form": form})


@csrf_exempt
@role_required(Role.REGISTRAR)
@require_POST
def import_upload(request):
    # The size guard must be in place before anything reads the body, so the CSRF
    # check runs inside, after it (the documented pattern for upload handlers).
    limit = settings.SELFCHECK_UPLOAD_LIMIT
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 1024 * 1024:
        form = ImportUploadForm(campaigns=_campaigns(request.user), too_large=True, data={})
        form.is_valid()
        return _list_with_form(request, form, status=413)
    guard = UploadLimitHandler(request, limit)
    try:
        request.upload_handlers.insert(0, guard)
    except AttributeError:  # the body was already read by something else; the form still checks the size
        pass
    return _upload(request, guard)


@csrf_protect
def _upload(request, guard: UploadLimitHandler):
    form = ImportUploadForm(request.POST, request.FILES, campaigns=_campaigns(request.user), too_large=guard.exceeded)
    if not form.is_valid():
        return _list_with_form(request, form, status=413 if guard.exceeded else 400)
    record = roster.roster_import_create(
        upload=form.cleaned_data["file"], campaign=form.cleaned_data["campaign"], kind=form.cleaned_data["kind"],
        encoding_override=form.cleaned_data["encoding"], user=request.user, queue=tasks.queue_validation,
        request=request,
    )  # fmt: skip
    return redirect("import_detail", pk=record.pk)


def _list_with_form(request, form, *, status: int):
    imports = selectors.imports_for(request.user).select_related("campaign", "uploaded_by")[:50]
    return render(request, "imports/list.html", {"imports": imports, "form": form}, status=status)


@role_required(Role.REGISTRAR)
@require_GET
def import_detail(request, pk: int):
    record = _record(request, pk)
    preview = record.preview or {}
    errors = record.errors or []
    context = {
        "record": record,
        "preview": preview,
        "running": record.state in RUNNING,
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
        "errors_total": preview.get("errors_total", len(errors)),
        "warnings": (record.warnings or [])[:ERRORS_SHOWN],
        "warnings_total": preview.get("warnings_total", len(record.warnings or [])),
        "confirm_form": ConfirmForm(),
        "sheet_form": SheetForm(initial={"sheet": preview.get("sheet")}, sheets=preview.get("sheets", [])),
        "error_groups": preview.get("error_groups", []),
        "campaign_levels": _levels(record.campaign),
        "revalidate_form": RevalidateForm(initial={"encoding": record.encoding_override}),
        "is_csv": record.original_name.lower().endswith(".csv"),
        "college_forms": [
            (item, CollegeResolveForm(prefix=f"c{index}", initial={"name": item["name"]}))
            for index, item in enumerate(preview.get("unknown_colleges", []))
        ],
    }
    return render(request, "imports/detail.html", context)


def _levels(campaign) -> str:
    if campaign is None or not campaign.levels:
        return ""
    labels = dict(Level.choices)
    return pgettext("list separator", "、").join(str(labels.get(level, level)) for level in campaign.levels)


@role_required(Role.REGISTRAR)
@require_GET
def import_progress(request, pk: int):
    record = _record(request, pk)
    return JsonResponse(
        {
            "state": record.state,
            "state_label": record.get_state_display(),
            "progress": record.progress,
            "done": record.state not in RUNNING,
            "message": record.message,
        }
    )


@role_required(Role.REGISTRAR)
@require_POST
def import_confirm(request, pk: int):
    record = _record(request, pk)
    form = ConfirmForm(request.POST, identity_changes=(record.preview or {}).get("identity_changes", []))
    form.is_valid()
    try:
        roster.roster_import_confirm(
            record, valid_only=form.cleaned_data.get("valid_only", False), user=request.user,
            queue=tasks.queue_commit, request=request,
            accepted_identities=form.cleaned_data.get("accept_identity", []),
            include_outside=form.cleaned_data.get("include_outside", False),
        )  # fmt: skip
    except roster.ConfirmRefused as refused:
        messages.error(request, str(refused))
    return redirect("import_detail", pk=record.pk)


@role_required(Role.REGISTRAR)
@require_POST
def import_revalidate(request, pk: int):
    record = _record(request, pk)
    form = RevalidateForm(request.POST)
    encoding = form.cleaned_data["encoding"] if form.is_valid() else None
    if not roster.roster_import_revalidate(
        record, encoding_override=encoding, user=request.user, queue=tasks.queue_validation, request=request
    ):
        messages.error(request, _("该导入已完成，不能重新校验。"))
    return redirect("import_detail", pk=record.pk)


@role_required(Role.REGISTRAR)
@require_POST
def import_sheet(request, pk: int):
    """Read another sheet of the workbook than the one whose header fitted best."""
    record = _record(request, pk)
    form = SheetForm(request.POST, sheets=(record.preview or {}).get("sheets", []))
    if not form.is_valid():
        messages.error(request, _("请选择文件中的一个工作表。"))
    elif not roster.roster_import_revalidate(
        record,
        sheet_override=form.cleaned_data["sheet"],
        user=request.user,
        queue=tasks.queue_validation,
        request=request,
    ):
        messages.error(request, _("该导入已完成，不能重新校验。"))
    return redirect("import_detail", pk=record.pk)


@role_required(Role.REGISTRAR)
@require_POST
def import_college(request, pk: int):
    """Map an unknown college name to a college (or create it), then check the file again."""
    record = _record(request, pk)
    prefix = request.POST.get("prefix", "")
    form = CollegeResolveForm(request.POST, prefix=prefix or None)
    if not form.is_valid():
        problems = pgettext("list separator", "；").join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("未能处理学院：%(problems)s") % {"problems": problems})
        return redirect("import_detail", pk=record.pk)
    name = form.cleaned_data["name"]
    try:
        if form.cleaned_data["action"] == "map":
            roster.roster_college_map(
                name=name, college=form.cleaned_data["college"], user=request.user, request=request
            )
            messages.success(
                request,
                _("已把“%(name)s”对应到“%(college)s”，正在重新校验。")
                % {"name": name, "college": form.cleaned_data["college"]},
            )
        else:
            roster.roster_college_create(code=form.cleaned_data["code"], name=name, user=request.user, request=request)
            messages.success(request, _("已新建学院“%(name)s”，正在重新校验。") % {"name": name})
    except roster.CollegeMappingError as refused:
        messages.error(request, str(refused))
        return redirect("import_detail", pk=record.pk)
    roster.roster_import_revalidate(record, user=request.user, queue=tasks.queue_validation, request=request)
    return redirect("import_detail", pk=record.pk)


@role_required(Role.REGISTRAR)
@require_GET
def import_errors(request, pk: int, fmt: str):
    """Every stored row error, as a spreadsheet staff can sort and fix from."""
    record = _record(request, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rows = ([e.get("row"), e.get("column"), e.get("message")] for e in record.errors or [])
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"{record.campaign.name}-" if record.campaign else ""
    return export_response(fmt, f"{name}导入错误-{record.pk}-{stamp}", ["行号", "列", "问题"], rows)


@role_required(Role.REGISTRAR)
@require_GET
def import_template(request, kind: str):
    """An empty file with the expected headers, the ID column already formatted as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if kind not in RosterImport.Kind.values:
        raise Http404
    columns = ROSTER_COLUMNS if kind == RosterImport.Kind.ROSTER else CHECKLIST_COLUMNS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册" if kind == RosterImport.Kind.ROSTER else "核对名单"
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 20 if column.key == "id_number" else 14
        if column.key in ("student_no", "exam_no", "id_number", "phone", "major_code"):
            for row in range(2, 2001):  # text format, so Excel keeps every digit of an ID number
                sheet.cell(row=row, column=index).number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = "roster-template.xlsx" if kind == RosterImport.Kind.ROSTER else "checklist-template.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    return response
