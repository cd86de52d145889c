"""Chasing a college's students: per class, a reminder to paste into the class group, a
copy button, and a sheet to print."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from selfcheck import selectors
from selfcheck.models import Role
from selfcheck.permissions import role_required
from selfcheck.presenters import chase_message
from selfcheck.selectors.chase import chase_lists

STAFF = (Role.REGISTRAR, Role.SECRETARY)


@role_required(*STAFF)
def college_chase(request, slug, code):
    campaign = selectors.campaign_for(request.user, slug)
    college = selectors.college_for(request.user, code)
    class_name = request.GET.get("class_name")
    found = chase_lists(selectors.checks_for(request.user, campaign), college=college, class_name=class_name)
    now = timezone.localtime()
    classes = found[0].classes if found else []
    for klass in classes:
        klass.message = chase_message(campaign, college.name, klass, now=now)
    return render(
        request,
        "tracking/college_chase.html",
        {
            "campaign": campaign,
            "college": college,
            "classes": classes,
            "total": sum(len(k.students) for k in classes),
            "now": now,
        },
    )
