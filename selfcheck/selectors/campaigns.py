"""Campaigns a user may see; drafts are the registrar's alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from selfcheck import roles
from selfcheck.models import Campaign, User


def campaigns_for(user: User) -> QuerySet[Campaign]:
    if roles.is_registrar(user):
        return Campaign.objects.all()
    if roles.is_student(user):
        return Campaign.objects.filter(checks__student__user=user).exclude(state=Campaign.State.DRAFT).distinct()
    if roles.is_secretary(user) or roles.is_admissions(user):
        return Campaign.objects.exclude(state=Campaign.State.DRAFT)
    return Campaign.objects.none()


def campaign_for(user: User, slug: str) -> Campaign:
    """A campaign the user may see, or 404."""
    return get_object_or_404(campaigns_for(user), slug=slug)
