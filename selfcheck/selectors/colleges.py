"""Colleges a user may see: all for registrar staff, their own for a secretary."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfcheck import roles
from selfcheck.models import College, User


def colleges_for(user: User) -> QuerySet[College]:
    if roles.is_registrar(user):
        return College.objects.all()
    if roles.is_secretary(user):
        return College.objects.filter(secretaries=user)
    return College.objects.none()


def college_for(user: User, code: str) -> College:
    """One of the user's colleges by code, or 404."""
    return get_object_or_404(colleges_for(user), code=code)
