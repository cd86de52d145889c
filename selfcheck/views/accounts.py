"""Sign-in pages: staff by username, students by 学号, first-time identity proof."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck.forms.accounts import StaffLoginForm, StudentActivateForm, StudentLoginForm
from selfcheck.services.accounts import ActivationError, student_activate

ACTIVATION_ATTEMPTS = 5
ACTIVATION_WINDOW = 15 * 60


class StaffLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    extra_context = {"portal": "staff"}


class StudentLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = StudentLoginForm
    redirect_authenticated_user = True
    extra_context = {"portal": "student"}


def _throttle_keys(request, student_no: str) -> list[str]:
    ip = request.META.get("REMOTE_ADDR", "")
    return [f"activate:ip:{ip}", f"activate:no:{student_no.strip()}"]


@require_http_methods(["GET", "POST"])
def student_activate_view(request):
    form = StudentActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keys = _throttle_keys(request, form.cleaned_data["student_no"])
        if any(cache.get(key, 0) >= ACTIVATION_ATTEMPTS for key in keys):
            form.add_error(None, _("验证失败次数过多，请15分钟后再试。"))
        else:
            try:
                user = student_activate(
                    student_no=form.cleaned_data["student_no"],
                    id_number=form.cleaned_data["id_number"],
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                    request=request,
                )
            except ActivationError as exc:
                for key in keys:
                    cache.add(key, 0, ACTIVATION_WINDOW)
                    cache.incr(key)
                form.add_error(None, str(exc))
            else:
                for key in keys:
                    cache.delete(key)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("身份验证成功，密码已设置。"))
                return redirect("home")
    return render(request, "registration/activate.html", {"form": form, "portal": "student"})
