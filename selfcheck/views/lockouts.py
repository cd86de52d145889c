"""The registrar's list of locked sign-ins, with an unlock button for each."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck.permissions import role_required
from selfcheck.roles import Role
from selfcheck.services.lockouts import lockout_clear, lockouts_current


@role_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def lockout_list(request):
    if request.method == "POST":
        kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
        if kind in ("id", "ip") and value:
            lockout_clear(kind=kind, value=value, actor=request.user, request=request)
            messages.success(request, _("已解除锁定：%(value)s") % {"value": value})
        return redirect("lockout_list")
    return render(request, "registration/lockouts.html", {"lockouts": lockouts_current()})
