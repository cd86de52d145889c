"""Bulletins a user may see: every one for registrar staff, the published ones for secretaries."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfcheck import roles
from selfcheck.models import Bulletin, User
from selfcheck.selectors.campaigns import campaigns_for


def bulletins_for(user: User) -> QuerySet[Bulletin]:
    """The registrar sees every bulletin; a secretary the published ones of opened campaigns."""
    if roles.is_registrar(user):
        return Bulletin.objects.all()
    if roles.is_secretary(user):
        return Bulletin.objects.filter(campaign__in=campaigns_for(user), state=Bulletin.State.PUBLISHED)
    return Bulletin.objects.none()


def bulletin_for(user: User, slug: str, sequence: int) -> Bulletin:
    """One bulletin by its campaign and sequence, within the user's scope, or 404."""
    return get_object_or_404(bulletins_for(user).select_related("campaign"), campaign__slug=slug, sequence=sequence)
