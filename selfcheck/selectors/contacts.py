"""Whom a student can ask: their college's secretaries and the registrar's office."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from selfcheck.models import Campaign, Student, User
from selfcheck.roles import Role


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    office: str


def secretaries_of(student: Student) -> list[Contact]:
    """The secretaries of the student's college, as a student may see them."""
    users = (
        User.objects.filter(role=Role.SECRETARY, is_active=True, colleges=student.college_id)
        .order_by("username")
        .values_list("first_name", "last_name", "username", "phone", "office")
    )
    return [
        Contact(name=f"{last}{first}".strip() or username, phone=phone, office=office)
        for first, last, username, phone, office in users
    ]


def office_contact(campaign: Campaign | None = None) -> str:
    """The registrar's office as the given campaign, or the campaign open now, announces it."""
    if campaign is not None and campaign.office_contact:
        return campaign.office_contact
    today = timezone.localdate()
    found = (
        Campaign.objects.filter(state=Campaign.State.OPEN)
        .exclude(office_contact="")
        .order_by("-opens_on")
        .values_list("opens_on", "closes_on", "office_contact")
    )
    rows = list(found[:10])
    for opens_on, closes_on, text in rows:
        if opens_on <= today <= closes_on:
            return text
    return rows[0][2] if rows else ""
