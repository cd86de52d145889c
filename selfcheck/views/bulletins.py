"""Bulletin pages and downloads, and the registrar's "produce one now".

Every bulletin comes through ``selectors.bulletin_for`` (outside the user's scope:
404). The Word document and the summary hold numbers per college only; the students
to chase are in the workbook, of which a secretary receives the summary and the sheets
of their own colleges, never another college's.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from selfcheck import selectors
from selfcheck.models import Bulletin, Role
from selfcheck.permissions import role_required
from selfcheck.safe_names import content_disposition, download_filename
from selfcheck.services.bulletin_content import chart_svg, has_documents
from selfcheck.services.bulletin_documents import workbook_part
from selfcheck.services.bulletins import BulletinError, bulletin_publish_now
from selfcheck.services.exports import XLSX_CONTENT_TYPE
from selfcheck.tasks.bulletins import queue_generation

STAFF = (Role.REGISTRAR, Role.SECRETARY)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _published(request, slug, sequence) -> Bulletin:
    bulletin = selectors.bulletin_for(request.user, slug, sequence)
    if not has_documents(bulletin):
        raise Http404
    return bulletin


def _attachment(response, name: str, ext: str):
    response["Content-Disposition"] = content_disposition(download_filename(name, ext))
    return response


@role_required(*STAFF)
def bulletin_detail(request, slug, sequence):
    bulletin = selectors.bulletin_for(request.user, slug, sequence)
    snapshot = bulletin.snapshot if has_documents(bulletin) else {}
    own = set(selectors.colleges_for(request.user).values_list("code", flat=True))
    return render(
        request,
        "bulletins/detail.html",
        {
            "bulletin": bulletin,
            "campaign": bulletin.campaign,
            "s": snapshot,
            "chart": chart_svg(snapshot) if snapshot.get("colleges") else "",
            "own_parts": [c for c in snapshot.get("colleges", []) if c["code"] in own],
            "whole": request.user.is_registrar,
        },
    )


@role_required(*STAFF)
def bulletin_docx(request, slug, sequence):
    bulletin = _published(request, slug, sequence)
    if not bulletin.document:
        raise Http404
    response = FileResponse(bulletin.document.open("rb"), content_type=DOCX_CONTENT_TYPE)
    return _attachment(response, bulletin.title, "docx")


@role_required(*STAFF)
def bulletin_xlsx(request, slug, sequence, code=None):
    """The workbook: whole for the registrar, else the summary and the user's colleges' sheets."""
    bulletin = _published(request, slug, sequence)
    if not bulletin.spreadsheet:
        raise Http404
    if code is None and request.user.is_registrar:
        response = FileResponse(bulletin.spreadsheet.open("rb"), content_type=XLSX_CONTENT_TYPE)
        return _attachment(response, bulletin.title, "xlsx")
    if code is None:
        codes = set(selectors.colleges_for(request.user).values_list("code", flat=True))
        name = bulletin.title
    else:
        college = selectors.college_for(request.user, code)
        codes, name = {college.code}, f"{bulletin.title}-{college.name}"
    with bulletin.spreadsheet.open("rb") as stored:
        content = workbook_part(stored, bulletin.snapshot, codes)
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), name, "xlsx")


@role_required(*STAFF)
def bulletin_chart(request, slug, sequence):
    bulletin = _published(request, slug, sequence)
    return HttpResponse(chart_svg(bulletin.snapshot), content_type="image/svg+xml; charset=utf-8")


@role_required(Role.REGISTRAR)
@require_POST
def bulletin_publish_now_view(request, slug):
    campaign = selectors.campaign_for(request.user, slug)
    try:
        with transaction.atomic():
            bulletin = bulletin_publish_now(campaign, by=request.user, request=request)
            transaction.on_commit(lambda: queue_generation(bulletin.pk))
    except BulletinError as exc:
        messages.error(request, str(exc))
        return redirect("campaign_dashboard", slug=campaign.slug)
    messages.success(request, _("已开始生成第%(n)s期进度通报，稍后刷新即可查看。") % {"n": bulletin.sequence})
    return redirect("bulletin_detail", slug=campaign.slug, sequence=bulletin.sequence)
