"""Reads scoped to the user asking: the only place that decides who sees what.

Every list, count, export, search and task that shows data to a person goes through
one ``*_for`` function per entity here. Objects outside a user's scope are simply not
in the queryset, so views answer 404 for them; a missing role is a 403 decided by
``selfcheck.permissions`` with ``selfcheck.roles``.
"""

from selfcheck.selectors.audit import audit_events_filtered, audit_events_for
from selfcheck.selectors.bulletins import bulletin_for, bulletins_for
from selfcheck.selectors.campaigns import campaign_for, campaigns_for, current_campaign, open_overlaps, pick_campaign
from selfcheck.selectors.checks import (
    StatusFilter,
    check_for,
    check_history,
    checks_filtered,
    checks_for,
    own_check,
    own_checks,
    own_record,
)
from selfcheck.selectors.colleges import college_for, colleges_for
from selfcheck.selectors.contacts import office_contact, secretaries_of
from selfcheck.selectors.corrections import corrections_for
from selfcheck.selectors.imports import import_for, imports_for
from selfcheck.selectors.students import own_student, students_for

__all__ = [
    "audit_events_filtered",
    "audit_events_for",
    "StatusFilter",
    "bulletin_for",
    "bulletins_for",
    "campaign_for",
    "campaigns_for",
    "current_campaign",
    "pick_campaign",
    "check_for",
    "check_history",
    "checks_filtered",
    "checks_for",
    "college_for",
    "colleges_for",
    "corrections_for",
    "import_for",
    "imports_for",
    "open_overlaps",
    "own_check",
    "own_checks",
    "office_contact",
    "own_record",
    "own_student",
    "secretaries_of",
    "students_for",
]
