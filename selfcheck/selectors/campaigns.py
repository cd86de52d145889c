"""Campaigns a user may see; drafts are the registrar's alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

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


def current_campaign(campaigns, today=None) -> Campaign | None:
    """The campaign a page shows unless asked for another: the one open now, else the most
    recent open one, else the most recent closed one; never a draft."""
    today = today or timezone.localdate()
    usable = [c for c in campaigns if c.state != Campaign.State.DRAFT]
    open_ = sorted((c for c in usable if c.state == Campaign.State.OPEN), key=lambda c: c.opens_on, reverse=True)
    running = [c for c in open_ if c.opens_on <= today <= c.closes_on]
    if running:
        return running[0]
    if open_:
        return open_[0]
    closed = sorted(usable, key=lambda c: c.closes_on, reverse=True)
    return closed[0] if closed else None


def pick_campaign(campaigns, wanted: str | None) -> tuple[Campaign | None, bool]:
    """The campaign named by ``wanted`` if it is among ``campaigns``, else the current one;
    the flag says a wanted campaign was not found."""
    if wanted:
        chosen = next((c for c in campaigns if c.slug == wanted), None)
        if chosen is not None:
            return chosen, False
    return current_campaign(campaigns), bool(wanted)


def open_overlaps(campaign: Campaign) -> QuerySet[Campaign]:
    """Other open campaigns of the same cohort and kind: students would see both."""
    return Campaign.objects.filter(state=Campaign.State.OPEN, cohort=campaign.cohort, kind=campaign.kind).exclude(
        pk=campaign.pk
    )
