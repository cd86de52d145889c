"""The student's correction request: file it from their record page, edit it while it is with them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import selectors
from selfcheck.forms.corrections import CorrectionForm
from selfcheck.models import Role
from selfcheck.permissions import role_required
from selfcheck.selectors import corrections as corrections_selectors
from selfcheck.services import correction_filing as filing
from selfcheck.services import corrections as service
from selfcheck.services.checks import window_message
from selfcheck.tasks.corrections import queue_notice


@role_required(Role.STUDENT)
@require_http_methods(["GET", "POST"])
def student_correction(request, slug):
    """New request, or the open one while it is with the student; otherwise its page."""
    check = selectors.own_check(request.user, slug)
    student = check.student
    correction = corrections_selectors.open_correction_of(student, check.campaign)
    if correction is not None and "update" not in service.allowed_actions(correction, request.user):
        messages.info(request, _("您的更正申请正在处理中，可在此查看进度。"))
        return redirect("correction_detail", pk=correction.pk)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        student=student,
        correction=correction,
    )
    closed = window_message(check.campaign)
    if request.method == "POST" and form.is_valid():
        try:
            if correction is None:
                correction = filing.correction_file(check, by=request.user, request=request, notify=queue_notice,
                                                     **form.service_kwargs())  # fmt: skip
            else:
                correction = filing.correction_update(correction, by=request.user, request=request,
                                                       notify=queue_notice, **form.service_kwargs())  # fmt: skip
        except service.CorrectionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("更正申请已提交，学院教学秘书审核后报学籍科。可在本页查看进度。"))
            return redirect("correction_detail", pk=correction.pk)
    return render(
        request,
        "corrections/student_form.html",
        {"check": check, "campaign": check.campaign, "form": form, "correction": correction, "closed": closed},
    )
