"""Role checks for views: a missing role is 403, never a redirect loop."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import NoReverseMatch

from selfcheck.roles import has_role


def role_required(*roles: str):
    """Let a signed-in user with one of ``roles`` through; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def post_only(back: str):
    """A POST-only action: a GET (a reloaded or shared link) returns to the page ``back``
    names (a URL name taking the view's keyword arguments, or none) instead of a blank 405."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                try:
                    return redirect(back, *args, **kwargs)
                except NoReverseMatch:
                    return redirect(back)
            return HttpResponseNotAllowed(["POST"])

        return wrapped

    return decorator
