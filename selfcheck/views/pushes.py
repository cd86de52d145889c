"""The registrar sets a college's daily push to its staff group's robot."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import selectors
from selfcheck.forms.pushes import CollegePushForm
from selfcheck.models import Role
from selfcheck.permissions import role_required
from selfcheck.selectors.pushes import college_push_of
from selfcheck.services.pushes import PushError, college_push_set
from selfcheck.views.helpers import posted


@role_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def college_push_edit(request, code):
    college = selectors.college_for(request.user, code)
    push = college_push_of(college)
    initial = {"url": push.webhook_url, "send_at": push.send_at, "enabled": push.enabled} if push else {}
    form = CollegePushForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            college_push_set(
                college, url=form.cleaned_data["url"], send_at=form.cleaned_data["send_at"],
                enabled=form.cleaned_data["enabled"], by=request.user, request=request,
            )  # fmt: skip
        except PushError as exc:
            form.add_error("url", str(exc))
        else:
            messages.success(request, _("已保存%(college)s的群推送设置。") % {"college": college.name})
            return redirect("college_push_edit", code=college.code)
    return render(request, "tracking/college_push.html", {"college": college, "push": push, "form": form})
