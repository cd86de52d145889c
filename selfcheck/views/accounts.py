"""Sign-in pages: staff by username, students by 学号, first-time identity proof."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView, PasswordChangeView
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import roles
from selfcheck.clientip import client_ip
from selfcheck.forms.accounts import StaffLoginForm, StudentActivateForm, StudentLoginForm
from selfcheck.services.accounts import ActivationError, student_activate, user_password_changed
from selfcheck.services.throttle import (
    Attempt,
    address_key,
    attempt_begin,
    attempt_failed,
    attempt_succeeded,
    identity_key,
)


def too_many() -> str:
    return _("验证失败次数过多，请稍后再试。")


def prove_and_sign_in(request, form, prove, *, refused: type[Exception], success: str):
    """Run ``prove()`` (activation, a reset code) counted per 学号 and address; sign in on success.

    Returns the redirect home, or ``None`` with the reason added to ``form``.
    """
    attempt = identity_attempt(request, form.cleaned_data["student_no"])
    if attempt is None:
        form.add_error(None, too_many())
        return None
    try:
        user = prove()
    except refused as exc:
        attempt_failed(attempt)
        form.add_error(None, str(exc))
        return None
    attempt_succeeded(attempt)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, success)
    return redirect("home")


def identity_attempt(request, student_no: str) -> Attempt | None:
    """Proving who a student is (activation, reset codes): counted per 学号 and per address."""
    return attempt_begin(
        identity={identity_key("student", student_no): settings.SELFCHECK_IDENTITY_ATTEMPTS},
        address={address_key("student", client_ip(request)): settings.SELFCHECK_ADDRESS_ATTEMPTS},
        window=settings.SELFCHECK_ATTEMPT_WINDOW,
    )


def signin_attempt(request, username: str) -> Attempt | None:
    """Password sign-in: the same limits django-axes applies."""
    return attempt_begin(
        identity={identity_key("signin", username): settings.AXES_FAILURE_LIMIT},
        address={address_key("signin", client_ip(request)): settings.AXES_FAILURE_LIMIT},
        window=settings.AXES_COOLOFF_TIME,
    )


class ThrottledLoginView(LoginView):
    """Reserves an attempt before the password is checked (see ``services.throttle``).

    django-axes records the failures and locks by user name and by address; the
    reservation makes the limit hold under a burst of parallel requests too.
    """

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        attempt = signin_attempt(request, request.POST.get("username", ""))
        if attempt is None:
            return render(request, "registration/locked_out.html", status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            attempt_succeeded(attempt)
        else:
            attempt_failed(attempt)
        return response


class StaffLoginView(ThrottledLoginView):
    authentication_form = StaffLoginForm
    extra_context = {"portal": "staff"}


class StudentLoginView(ThrottledLoginView):
    authentication_form = StudentLoginForm
    extra_context = {"portal": "student"}


class PasswordChange(PasswordChangeView):
    """Django's page, plus: every other session of the user ends, and it is audited."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        previous_key = self.request.session.session_key
        form.save()
        update_session_auth_hash(self.request, form.user)
        user_password_changed(user=form.user, previous_key=previous_key, request=self.request)
        return redirect(self.get_success_url())


@require_http_methods(["GET", "POST"])
def student_activate_view(request):
    form = StudentActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = prove_and_sign_in(
            request,
            form,
            lambda: student_activate(
                student_no=data["student_no"],
                id_number=data["id_number"],
                name=data["name"],
                password=data["password1"],
                request=request,
            ),
            refused=ActivationError,
            success=_("身份验证成功，密码已设置。"),
        )
        if done:
            return done
    return render(request, "registration/activate.html", {"form": form, "portal": "student"})


class SignOutView(LogoutView):
    """Signing out returns each person to their own sign-in page: students to theirs."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        # Signing out is a POST; a GET (a bookmarked or shared link) returns to the home page.
        return redirect("home")

    def post(self, request, *args, **kwargs):
        self.was_student = roles.is_student(request.user)
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        if getattr(self, "was_student", False):
            return resolve_url("student_login")
        return super().get_success_url()
