"""The steps every import shares, from the command line or the web: read and parse a file,
compare it with the database, write it, and describe the write for the audit log."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from selfcheck import counters, stats
from selfcheck.models import Campaign, RosterImport, User
from selfcheck.services.roster import checklist as checklist_rows
from selfcheck.services.roster.commit import write_roster
from selfcheck.services.roster.compare import compare_roster
from selfcheck.services.roster.headers import CHECKLIST_COLUMNS, ROSTER_COLUMNS, header_keys
from selfcheck.services.roster.identity import audit_identity_changes
from selfcheck.services.roster.preview import KIND_ROSTER, Outcome
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.readers import open_table
from selfcheck.services.roster.safety import inspect_file
from selfcheck.services.roster.validate import parse_roster
from selfcheck.services.roster.validate import prefetch as roster_prefetch


def parse_file(path, name: str, kind: str, encoding: str | None, progress, *, sheet: str | None = None):
    """Read and check a file; a workbook from ``sheet``, or the sheet whose header fits best."""
    fmt = inspect_file(path, name, size_limit=settings.SELFCHECK_UPLOAD_LIMIT)
    used, sheets = "", ("", [])
    try:
        columns, minimum = (ROSTER_COLUMNS, 3) if kind == KIND_ROSTER else (CHECKLIST_COLUMNS, 2)
        prefetched: dict = {}
        meanwhile = (lambda: prefetched.update(roster_prefetch())) if kind == KIND_ROSTER else None
        with open_table(path, fmt, encoding=encoding, sheet=sheet, header_keys=header_keys(columns),
                        minimum=minimum, meanwhile=meanwhile) as table:  # fmt: skip
            used, sheets = table.encoding, (table.sheet, table.sheets)
            if kind == KIND_ROSTER:
                parsed = parse_roster(table, progress=progress, prefetched=prefetched)
            else:
                parsed = checklist_rows.parse_checklist(table, progress=progress)
            parsed.sheet, parsed.sheets = sheets
            return parsed
    except FileRefused as refused:
        refused.encoding = used
        refused.sheet, refused.sheets = sheets
        raise


def compare(parsed, kind: str, campaign: Campaign, *, accepted=frozenset(), include_outside: bool = False):
    """``accepted``: 学号 of identity changes staff accepted (True: all); ``include_outside``:
    rows outside the campaign's cohort and levels join it."""
    if kind == KIND_ROSTER:
        return compare_roster(parsed, campaign, accepted=accepted, include_outside=include_outside)
    return checklist_rows.compare_checklist(parsed, campaign, include_outside=include_outside)


def write(plan, kind: str, *, campaign: Campaign, user: User | None, now, record: RosterImport | None = None) -> int:
    """Write a compared plan; returns the number of Checks created.

    Side effects: the campaign's cached dashboard numbers are dropped after commit.
    """
    transaction.on_commit(lambda: stats.invalidate(campaign.pk))
    if kind == KIND_ROSTER:
        by = user if user is not None and user.pk else None
        written = write_roster(plan, campaign=campaign, now=now, by=by, roster_import=record).checks_created
        audit_identity_changes(plan.identity_changes, user=user)
        moved = [c.student_id for c in plan.changes if {"college_id", "major", "class_name"} & set(c.values)]
        if moved:
            counters.counts_rebuild_for_students(moved)  # their other campaigns too
        if written or moved:
            counters.counts_rebuild([campaign.pk])
        return written
    checklist_rows.write_checklist(plan, user=user, now=now)
    counters.counts_rebuild([campaign.pk])
    return 0


def audit_changes(outcome: Outcome, plan, valid_only: bool) -> dict:
    changes = {
        "kind": [None, outcome.kind],
        "created": [None, outcome.created],
        "updated": [None, outcome.updated],
        "unchanged": [None, outcome.unchanged],
        "invalid": [None, outcome.invalid],
        "checks_created": [None, outcome.checks_created],
        "valid_only": [None, valid_only],
        "include_outside": [None, outcome.include_outside],
    }
    held = [change.student_no for change in outcome.identity_held]
    if held:
        changes["identity_changes_held"] = [None, held]
    sample = [change.student_no for change in plan.changes[:200]]
    if sample:
        changes["updated_students"] = [None, sample]
    return changes


def stored_name(original: str) -> str:
    return f"{uuid.uuid4().hex}{Path(original).suffix.lower()[:8]}"


@contextlib.contextmanager
def local_file(record: RosterImport) -> Iterator[str]:
    """A path to the stored file; storages without one get a temporary copy."""
    try:
        path = record.file.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = Path(record.original_name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, record.file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def progress_writer(pk: int, start: int, end: int) -> Callable[[int], None]:
    def write(percent: int) -> None:
        RosterImport.objects.filter(pk=pk).update(progress=start + (end - start) * percent // 100)

    return write


def parse_stored(record: RosterImport, *, campaign_gone: str, progress_end: int):
    """Parse an import's stored file, reporting progress from 5 % to ``progress_end``."""
    if record.campaign is None:
        raise FileRefused(campaign_gone)
    with local_file(record) as path:
        return parse_file(path, record.original_name, record.kind, record.encoding_override or None,
                      progress_writer(record.pk, 5, progress_end), sheet=record.sheet_override or None)  # fmt: skip
