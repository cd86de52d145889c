"""A registrar's explicit "show the full ID number": a POST, audited, shown on this one
response (never in a URL, a redirect, the session or a cache)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from selfcheck import selectors
from selfcheck.permissions import role_required
from selfcheck.roles import Role
from selfcheck.services.identity import student_reveal_id_number


@never_cache
@role_required(Role.REGISTRAR)
@require_POST
def reveal_id_number(request, slug, student_id):
    campaign = selectors.campaign_for(request.user, slug)
    check = selectors.check_for(request.user, campaign, student_id)
    number = student_reveal_id_number(check.student, by=request.user, request=request)
    return render(
        request,
        "tracking/id_reveal.html",
        {"campaign": campaign, "student": check.student, "id_number": number},
    )
