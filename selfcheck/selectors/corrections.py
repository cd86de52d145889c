"""Correction requests a user may see.

The admissions office sees exactly the requests forwarded to it; ``students_for``
derives its students from this same queryset, so its lists, counts and detail pages
agree.
"""

from __future__ import annotations

from django.db.models import QuerySet

from selfcheck import roles
from selfcheck.models import CorrectionRequest, User
from selfcheck.selectors.colleges import colleges_for

# States in which a request is with the admissions office.
ADMISSIONS_STATES = (CorrectionRequest.State.FORWARDED,)


def corrections_for(user: User) -> QuerySet[CorrectionRequest]:
    if roles.is_registrar(user):
        return CorrectionRequest.objects.all()
    if roles.is_secretary(user):
        return CorrectionRequest.objects.filter(student__college__in=colleges_for(user))
    if roles.is_student(user):
        return CorrectionRequest.objects.filter(student__user=user)
    if roles.is_admissions(user):
        return CorrectionRequest.objects.filter(state__in=ADMISSIONS_STATES)
    return CorrectionRequest.objects.none()
