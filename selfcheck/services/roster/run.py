"""The whole import in one go, for the command line and the benchmark."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from selfcheck.models import Campaign, RosterImport, StudentChange, User
from selfcheck.services.audit import audit_record
from selfcheck.services.roster.pipeline import audit_changes, compare, parse_file, stored_name, write
from selfcheck.services.roster.preview import KIND_ROSTER, Outcome, outcome_of, refused_outcome, store_outcome
from selfcheck.services.roster.problems import FileRefused

S = RosterImport.State


def roster_import_run(
    path: str | os.PathLike, *, campaign: Campaign, kind: str = KIND_ROSTER, dry_run: bool = False,
    valid_only: bool = False, encoding: str | None = None, user: User | None = None,
    accept_identity_changes: bool = False, include_outside: bool = False, sheet: str | None = None,
) -> Outcome:  # fmt: skip
    """Read, check and (unless a dry run, or rows are invalid without ``valid_only``)
    commit a file in one go, as the command line and the benchmark do.

    Identity changes are held back (not written) unless ``accept_identity_changes``;
    rows outside the campaign get no Check unless ``include_outside``.

    Side effects when it commits: students and Checks written in one transaction, a
    RosterImport holding a copy of the file, and one audit event.
    """
    name = Path(path).name
    try:
        parsed = parse_file(path, name, kind, encoding, None, sheet=sheet)
    except FileRefused as refused:
        return refused_outcome(kind, refused)
    options = {"accepted": bool(accept_identity_changes), "include_outside": include_outside}
    if dry_run:
        return outcome_of(compare(parsed, kind, campaign, **options), kind)
    with transaction.atomic():
        plan = compare(parsed, kind, campaign, **options)
        outcome = outcome_of(plan, kind)
        if outcome.invalid and not valid_only:
            return outcome
        now = timezone.now()
        outcome.checks_created = write(plan, kind, campaign=campaign, user=user, now=now)
        outcome.committed = True
        record = RosterImport(
            campaign=campaign, kind=kind, original_name=name[:255], size=os.path.getsize(path), state=S.COMMITTED,
            progress=100, uploaded_by=user if user and user.pk else None, valid_only=valid_only, committed_at=now,
            include_outside=include_outside, sheet_override=sheet or "",
            accepted_identities=[c.student_no for c in outcome.identity_changes if c.accepted],
        )  # fmt: skip
        store_outcome(record, outcome)
        with open(path, "rb") as handle:
            record.file.save(stored_name(name), File(handle), save=False)
        record.save()
        # The history rows were written before this record existed: same transaction, same instant.
        StudentChange.objects.filter(roster_import=None, correction=None, changed_at=now).update(roster_import=record)
        audit_record(
            actor=user, action=f"{kind}_import.commit", target=record, changes=audit_changes(outcome, plan, valid_only)
        )
    return outcome
