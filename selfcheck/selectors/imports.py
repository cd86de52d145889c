"""Roster imports: registrar staff only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfcheck import roles
from selfcheck.models import RosterImport, User


def imports_for(user: User) -> QuerySet[RosterImport]:
    if roles.is_registrar(user):
        return RosterImport.objects.all()
    return RosterImport.objects.none()


def import_for(user: User, pk: int) -> RosterImport:
    """One import the user may see, with what its pages show, or 404."""
    return get_object_or_404(imports_for(user).select_related("campaign", "uploaded_by"), pk=pk)
