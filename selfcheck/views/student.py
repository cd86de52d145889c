"""The student's own answers: the record is right, or they cannot log in.

Something wrong is a correction request: ``selfcheck.views.corrections_student``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import selectors
from selfcheck.forms.student import ProblemForm
from selfcheck.models import Check, Role
from selfcheck.permissions import post_only, role_required
from selfcheck.services.checks import CheckError, check_set_status, window_message
from selfcheck.views.helpers import posted


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


def _contacts(check: Check) -> dict:
    """Whom the student can ask, for the pages where they might be stuck."""
    return {
        "secretaries": selectors.secretaries_of(check.student),
        "office_contact": selectors.office_contact(check.campaign),
    }


def _thanks(check: Check) -> str:
    if check.status == Check.Status.CONFIRMED:
        return _("感谢配合！")
    if check.status == Check.Status.DISCREPANCY:
        return _("学院和学籍科将根据您填写的信息跟进更正。")
    return _("请按提示处理，学院教学秘书会与您联系。")


@role_required(Role.STUDENT)
@post_only("student_home")
def student_confirm(request, slug):
    check = selectors.own_check(request.user, slug)
    _student_done(request, check, status=Check.Status.CONFIRMED, detail={})
    return redirect("student_home")


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
            **_contacts(check),
        },
    )
