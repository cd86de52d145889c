"""A forgotten password: staff issue a one-time code, the student redeems it."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck.forms.accounts import ResetCodeIssueForm, ResetCodeRedeemForm
from selfcheck.permissions import role_required
from selfcheck.roles import Role
from selfcheck.selectors import students_for
from selfcheck.services.reset_codes import ResetCodeError, reset_code_issue, reset_code_redeem
from selfcheck.views.accounts import prove_and_sign_in


@role_required(Role.REGISTRAR, Role.SECRETARY)
@require_http_methods(["GET", "POST"])
def reset_code_issue_view(request):
    """The code appears once, in the answer to the POST; it is stored only as a hash."""
    form = ResetCodeIssueForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        student = (
            students_for(request.user)
            .select_related("user", "college")
            .filter(student_no=form.cleaned_data["student_no"])
            .first()
        )
        if student is None:
            form.add_error("student_no", _("在您负责的学院中找不到该学号。"))
        else:
            try:
                code = reset_code_issue(student=student, actor=request.user, request=request)
            except ResetCodeError as exc:
                form.add_error(None, str(exc))
            else:
                issued = {"student": student, "code": code, "hours": settings.SELFCHECK_RESET_CODE_HOURS}
                form = ResetCodeIssueForm()
    return render(request, "registration/reset_code_issue.html", {"form": form, "issued": issued})


@require_http_methods(["GET", "POST"])
def reset_code_redeem_view(request):
    form = ResetCodeRedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = prove_and_sign_in(
            request,
            form,
            lambda: reset_code_redeem(
                student_no=data["student_no"], code=data["code"], password=data["password1"], request=request
            ),
            refused=ResetCodeError,
            success=_("新密码已设置，其他设备上的登录已退出。"),
        )
        if done:
            return done
    return render(request, "registration/reset_code_redeem.html", {"form": form, "portal": "student"})
