"""Correction requests a user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from selfcheck import roles
from selfcheck.models import CorrectionRequest, User
from selfcheck.selectors.colleges import colleges_for


def corrections_for(user: User) -> QuerySet[CorrectionRequest]:
    if roles.is_registrar(user):
        return CorrectionRequest.objects.all()
    if roles.is_secretary(user):
        return CorrectionRequest.objects.filter(student__college__in=colleges_for(user))
    if roles.is_student(user):
        return CorrectionRequest.objects.filter(student__user=user)
    if roles.is_admissions(user):
        return CorrectionRequest.objects.filter(cause=CorrectionRequest.Cause.ADMISSION_MISMATCH).exclude(
            state=CorrectionRequest.State.SUBMITTED
        )
    return CorrectionRequest.objects.none()
