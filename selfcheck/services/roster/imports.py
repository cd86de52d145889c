"""A RosterImport from upload to commit, and the same pipeline for the command line.

    upload ──► uploaded ──task──► validating ──► validated ──confirm──► committing ──task──► committed
                                      │               │  ▲                   │
                                      └──► failed     │  └── re-validated ◄──┘ (rows turned invalid)
                                                      └── re-validate (another encoding, colleges mapped)

Validation and commit both read the whole file: the commit re-checks every row
against the database as it is at that moment, inside the one transaction that
writes, so a preview that went stale can never half-write.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone

from selfcheck import stats
from selfcheck.models import Campaign, Check, College, RosterImport, Student, User
from selfcheck.services.audit import audit_record
from selfcheck.services.roster import checklist as checklist_rows
from selfcheck.services.roster import limits
from selfcheck.services.roster.commit import write_roster
from selfcheck.services.roster.headers import CHECKLIST_COLUMNS
from selfcheck.services.roster.problems import FileRefused, RowProblem
from selfcheck.services.roster.readers import encoding_label, open_table
from selfcheck.services.roster.safety import inspect_file
from selfcheck.services.roster.validate import LABELS, compare_roster, display, parse_roster

logger = logging.getLogger(__name__)

KIND_ROSTER = RosterImport.Kind.ROSTER
KIND_CHECKLIST = RosterImport.Kind.CHECKLIST
S = RosterImport.State


@dataclass
class Outcome:
    """What reading, checking and perhaps writing one file came to."""

    kind: str
    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    checks_created: int = 0
    total_rows: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    encoding: str = ""
    header_row: int | None = None
    refused: str = ""  # the whole file was refused, and why
    preview: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The command line's stable contract."""
        return {
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "errors": [problem.as_dict() for problem in self.errors],
            "encoding": self.encoding,
            "header_row": self.header_row,
        }


# --- the pipeline ----------------------------------------------------------------------------


def _parse(path, name: str, kind: str, encoding: str | None, progress):
    fmt = inspect_file(path, name, size_limit=settings.SELFCHECK_UPLOAD_LIMIT)
    used = ""
    try:
        with open_table(path, fmt, encoding=encoding) as table:
            used = table.encoding
            parse = parse_roster if kind == KIND_ROSTER else checklist_rows.parse_checklist
            return parse(table, progress=progress)
    except FileRefused as refused:
        refused.encoding = used
        raise


def _compare(parsed, kind: str, campaign: Campaign):
    if kind == KIND_ROSTER:
        return compare_roster(parsed, campaign)
    return checklist_rows.compare_checklist(parsed, campaign)


def _outcome(plan, kind: str) -> Outcome:
    parsed = plan.parsed
    parsed.errors.sort(key=lambda problem: problem.row)
    outcome = Outcome(
        kind=kind, invalid=plan.invalid, errors=parsed.errors, warnings=parsed.warnings, encoding=parsed.encoding,
        header_row=parsed.header.row, total_rows=parsed.data_rows,
    )  # fmt: skip
    header = parsed.header
    preview = {
        "kind": kind,
        "header_row": header.row,
        "columns": [{"title": header.titles[key], "label": _label(kind, key)} for key in header.positions],
        "ignored_columns": header.ignored,
        "data_rows": parsed.data_rows,
        "blank_rows": parsed.blank_rows,
        "errors_total": parsed.errors.total,
        "warnings_total": parsed.warnings.total,
    }
    if kind == KIND_ROSTER:
        outcome.created = len(plan.creates)
        outcome.updated = len(plan.changes)
        outcome.unchanged = len(plan.unchanged_ids)
        fields = Counter(name for change in plan.changes for name in change.values)
        shown = _Shown(college_names="college_id" in fields)
        preview.update(
            changes=[
                {
                    "row": c.row,
                    "student_no": c.student_no,
                    "name": c.name,
                    "fields": [
                        {"label": LABELS.get(k, k), "old": shown(k, c.old[k]), "new": shown(k, v)}
                        for k, v in c.values.items()
                    ],
                }
                for c in plan.changes[: limits.PREVIEW_SAMPLE]
            ],
            changed_fields=[{"label": LABELS.get(k, k), "count": count} for k, count in fields.most_common()],
            missing={"count": plan.missing_count, "sample": plan.missing_sample},
            unknown_colleges=[{"name": name, "rows": rows} for name, rows in sorted(parsed.unknown_colleges.items())],
            checks_to_create=plan.checks_to_create,
        )
    else:
        outcome.updated = len(plan.changes)
        outcome.unchanged = plan.unchanged
        labels = dict(Check.Status.choices)
        preview.update(
            changes=[
                {
                    "row": c.row,
                    "student_no": c.student_no,
                    "name": c.name,
                    "fields": [{"label": "核对状态", "old": str(labels[c.old]), "new": str(labels[c.new])}],
                }
                for c in plan.changes[: limits.PREVIEW_SAMPLE]
            ],
            changed_fields=[
                {"label": f"改为“{labels[status]}”", "count": count}
                for status, count in Counter(c.new for c in plan.changes).most_common()
            ],
        )
    outcome.preview = preview
    return outcome


def _label(kind: str, key: str) -> str:
    if kind == KIND_CHECKLIST:
        return next((c.label for c in CHECKLIST_COLUMNS if c.key == key), key)
    return LABELS.get(key, key)


class _Shown:
    """Values as staff read them: college names, choice labels, ISO dates."""

    def __init__(self, *, college_names: bool):
        self.colleges = dict(College.objects.values_list("pk", "name")) if college_names else {}
        self.choices = {key: dict(Student._meta.get_field(key).choices) for key in ("gender", "level", "id_type")}

    def __call__(self, key: str, value) -> str:
        if key == "college_id":
            return self.colleges.get(value, str(value))
        if key in self.choices:
            return str(self.choices[key].get(value, value))
        return display(value)


def _refused_outcome(kind: str, refused: FileRefused) -> Outcome:
    return Outcome(
        kind=kind, refused=refused.message, errors=list(refused.problems), encoding=refused.encoding,
        header_row=refused.header_row,
    )  # fmt: skip


def _write(plan, kind: str, *, campaign: Campaign, user: User | None, now) -> int:
    """Write a compared plan; returns the number of Checks created.

    Side effects: the campaign's cached dashboard numbers are dropped after commit.
    """
    transaction.on_commit(lambda: stats.invalidate(campaign.pk))
    if kind == KIND_ROSTER:
        return write_roster(plan, campaign=campaign, now=now).checks_created
    checklist_rows.write_checklist(plan, user=user, now=now)
    return 0


def _audit_changes(outcome: Outcome, plan, valid_only: bool) -> dict:
    changes = {
        "kind": [None, outcome.kind],
        "created": [None, outcome.created],
        "updated": [None, outcome.updated],
        "unchanged": [None, outcome.unchanged],
        "invalid": [None, outcome.invalid],
        "checks_created": [None, outcome.checks_created],
        "valid_only": [None, valid_only],
    }
    sample = [change.student_no for change in plan.changes[:200]]
    if sample:
        changes["updated_students"] = [None, sample]
    return changes


# --- command line -----------------------------------------------------------------------------


def roster_import_run(
    path: str | os.PathLike, *, campaign: Campaign, kind: str = KIND_ROSTER, dry_run: bool = False,
    valid_only: bool = False, encoding: str | None = None, user: User | None = None,
) -> Outcome:  # fmt: skip
    """Read, check and (unless a dry run, or rows are invalid without ``valid_only``)
    commit a file in one go, as the command line and the benchmark do.

    Side effects when it commits: students and Checks written in one transaction, a
    RosterImport holding a copy of the file, and one audit event.
    """
    name = Path(path).name
    try:
        parsed = _parse(path, name, kind, encoding, None)
    except FileRefused as refused:
        return _refused_outcome(kind, refused)
    if dry_run:
        return _outcome(_compare(parsed, kind, campaign), kind)
    with transaction.atomic():
        plan = _compare(parsed, kind, campaign)
        outcome = _outcome(plan, kind)
        if outcome.invalid and not valid_only:
            return outcome
        now = timezone.now()
        outcome.checks_created = _write(plan, kind, campaign=campaign, user=user, now=now)
        outcome.committed = True
        record = RosterImport(
            campaign=campaign, kind=kind, original_name=name[:255], size=os.path.getsize(path), state=S.COMMITTED,
            progress=100, uploaded_by=user if user and user.pk else None, valid_only=valid_only, committed_at=now,
        )  # fmt: skip
        _store_outcome(record, outcome)
        with open(path, "rb") as handle:
            record.file.save(_stored_name(name), File(handle), save=False)
        record.save()
        audit_record(
            actor=user, action=f"{kind}_import.commit", target=record, changes=_audit_changes(outcome, plan, valid_only)
        )
    return outcome


# --- the web flow ----------------------------------------------------------------------------


def _stored_name(original: str) -> str:
    return f"{uuid.uuid4().hex}{Path(original).suffix.lower()[:8]}"


def _store_outcome(record: RosterImport, outcome: Outcome) -> None:
    record.encoding = outcome.encoding
    record.header_row = outcome.header_row
    record.total_rows = outcome.total_rows
    record.created_count = outcome.created
    record.updated_count = outcome.updated
    record.unchanged_count = outcome.unchanged
    record.invalid_count = outcome.invalid
    record.errors = [p.as_dict() for p in outcome.errors[: limits.MAX_STORED_PROBLEMS]]
    record.warnings = [p.as_dict() for p in outcome.warnings[: limits.MAX_STORED_PROBLEMS]]
    preview = dict(outcome.preview)
    if outcome.encoding:
        preview["encoding_label"] = encoding_label(outcome.encoding)
    if outcome.checks_created:
        preview["checks_created"] = outcome.checks_created
    record.preview = preview
    record.message = outcome.refused


def _outcome_fields(outcome: Outcome) -> dict:
    record = RosterImport()
    _store_outcome(record, outcome)
    names = ("encoding", "header_row", "total_rows", "created_count", "updated_count", "unchanged_count",
             "invalid_count", "errors", "warnings", "preview", "message")  # fmt: skip
    return {name: getattr(record, name) for name in names}


def _queue(task_name: str, pk: int) -> None:
    from selfcheck.tasks import imports as tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(roster_import_id=pk))


def roster_import_create(
    *, upload, campaign: Campaign, kind: str, encoding_override: str = "", user: User | None, request=None
) -> RosterImport:
    """Store an uploaded file as a RosterImport and queue its validation.

    The form has already refused files over ``SELFCHECK_UPLOAD_LIMIT``. Side effects:
    the file in storage, an audit event, ``selfcheck.roster_import_validate`` queued
    after commit.
    """
    with transaction.atomic():
        record = RosterImport(
            campaign=campaign, kind=kind, original_name=os.path.basename(upload.name)[:255], size=upload.size,
            encoding_override=encoding_override or "", uploaded_by=user,
        )  # fmt: skip
        record.file.save(_stored_name(upload.name), upload, save=False)
        record.save()
        audit_record(actor=user, action="roster_import.upload", target=record, request=request,
                     changes={"file": [None, record.original_name], "kind": [None, kind]})  # fmt: skip
        _queue("roster_import_validate", record.pk)
    return record


@contextlib.contextmanager
def _local_file(record: RosterImport) -> Iterator[str]:
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


def _progress_writer(pk: int, start: int, end: int) -> Callable[[int], None]:
    def write(percent: int) -> None:
        RosterImport.objects.filter(pk=pk).update(progress=start + (end - start) * percent // 100)

    return write


def _parse_stored(record: RosterImport, *, campaign_gone: str, progress_end: int):
    """Parse an import's stored file, reporting progress from 5 % to ``progress_end``."""
    if record.campaign is None:
        raise FileRefused(campaign_gone)
    with _local_file(record) as path:
        return _parse(path, record.original_name, record.kind, record.encoding_override or None,
                      _progress_writer(record.pk, 5, progress_end))  # fmt: skip


def roster_import_validate(record: RosterImport) -> str:
    """Check a claimed (``validating``) import and keep the preview on it; writes no students.

    Ends ``validated`` (possibly with row errors) or ``failed`` (file refused). A result
    for an import re-queued meanwhile is dropped.
    """
    try:
        parsed = _parse_stored(record, campaign_gone="该导入所属的核查活动已被删除，请重新上传。", progress_end=80)
        RosterImport.objects.filter(pk=record.pk).update(progress=85)
        outcome = _outcome(_compare(parsed, record.kind, record.campaign), record.kind)
        state = S.VALIDATED
    except FileRefused as refused:
        outcome, state = _refused_outcome(record.kind, refused), S.FAILED
    except FileNotFoundError:
        outcome, state = Outcome(kind=record.kind, refused="上传的文件已不存在，请重新上传。"), S.FAILED
    except Exception:
        logger.exception("validating roster import %s failed", record.pk)
        outcome = Outcome(kind=record.kind, refused=f"校验时发生内部错误，请联系管理员（导入编号 {record.pk}）。")
        state = S.FAILED
    saved = RosterImport.objects.filter(pk=record.pk, state=S.VALIDATING).update(
        state=state, progress=100, **_outcome_fields(outcome)
    )
    return state if saved else "superseded"


def roster_import_revalidate(
    record: RosterImport, *, encoding_override: str | None = None, user=None, request=None
) -> bool:
    """Check the file again (another encoding, colleges just mapped).

    Side effects: state back to ``uploaded``, validation queued after commit.
    """
    changes = {"state": S.UPLOADED, "progress": 0}
    if encoding_override is not None:
        changes["encoding_override"] = encoding_override
    with transaction.atomic():
        claimed = RosterImport.objects.filter(
            pk=record.pk, state__in=[S.UPLOADED, S.VALIDATING, S.VALIDATED, S.FAILED, S.COMMITTING]
        ).update(**changes)
        if not claimed:
            return False
        if user is not None:
            encoding = changes.get("encoding_override", record.encoding_override)
            audit_record(actor=user, action="roster_import.revalidate", target=record, request=request,
                         changes={"encoding_override": [record.encoding_override, encoding]})  # fmt: skip
        _queue("roster_import_validate", record.pk)
    return True


class ConfirmRefused(ValueError):
    pass


def roster_import_confirm(record: RosterImport, *, valid_only: bool, user: User | None, request=None) -> None:
    """Staff confirm a validated preview: claim it for commit and queue the commit task.

    Refuses when rows are invalid and staff did not choose to import only valid rows.
    Side effects: state ``committing``, an audit event, ``selfcheck.roster_import_commit``
    queued after commit.
    """
    if record.state != S.VALIDATED:
        raise ConfirmRefused("只有校验完成的导入才能确认。")
    if record.invalid_count and not valid_only:
        raise ConfirmRefused(f"有 {record.invalid_count} 行数据无效。请修正后重新上传，或勾选“只导入有效行”。")
    with transaction.atomic():
        claimed = RosterImport.objects.filter(pk=record.pk, state=S.VALIDATED).update(
            state=S.COMMITTING, valid_only=valid_only, progress=0
        )
        if not claimed:
            raise ConfirmRefused("该导入已被确认或正在重新校验。")
        audit_record(actor=user, action="roster_import.confirm", target=record, request=request,
                     changes={"valid_only": [None, valid_only]})  # fmt: skip
        _queue("roster_import_commit", record.pk)


def roster_import_commit(record: RosterImport) -> str:
    """Write a confirmed import: every row re-checked, then one transaction.

    Returns "committed", "invalid" (rows turned invalid since the preview: nothing
    written, preview refreshed, back to ``validated``), "failed" or "skipped" (not
    ``committing``: a repeated task). Side effects on success: students, Checks or
    Check statuses written in bulk, state ``committed``, one audit event.
    """
    if not RosterImport.objects.filter(pk=record.pk, state=S.COMMITTING).exists():
        return "skipped"
    try:
        parsed = _parse_stored(record, campaign_gone="该导入所属的核查活动已被删除，未写入任何数据。", progress_end=60)
    except FileRefused as refused:
        return _fail(record, _refused_outcome(record.kind, refused))
    except Exception:
        logger.exception("reading roster import %s for commit failed", record.pk)
        return _fail(
            record, Outcome(kind=record.kind, refused=f"导入时发生内部错误，未写入任何数据（导入编号 {record.pk}）。")
        )
    RosterImport.objects.filter(pk=record.pk, state=S.COMMITTING).update(progress=65)
    try:
        with transaction.atomic():
            locked = (
                RosterImport.objects.select_for_update(of=("self",))
                .select_related("campaign", "uploaded_by")
                .get(pk=record.pk)
            )
            if locked.state != S.COMMITTING:
                return "skipped"
            plan = _compare(parsed, locked.kind, locked.campaign)
            outcome = _outcome(plan, locked.kind)
            if outcome.invalid and not locked.valid_only:
                for name, value in _outcome_fields(outcome).items():
                    setattr(locked, name, value)
                locked.state = S.VALIDATED
                locked.progress = 100
                locked.message = (
                    "确认导入时重新校验发现无效行（数据库中的数据已变化），未写入任何数据，请查看后重新确认。"
                )
                locked.save()
                return "invalid"
            now = timezone.now()
            outcome.checks_created = _write(
                plan, locked.kind, campaign=locked.campaign, user=locked.uploaded_by, now=now
            )
            outcome.committed = True
            for name, value in _outcome_fields(outcome).items():
                setattr(locked, name, value)
            locked.state = S.COMMITTED
            locked.progress = 100
            locked.committed_at = now
            locked.save()
            audit_record(actor=locked.uploaded_by, action=f"{locked.kind}_import.commit", target=locked,
                         changes=_audit_changes(outcome, plan, locked.valid_only))  # fmt: skip
    except DatabaseError:
        logger.exception("committing roster import %s failed", record.pk)
        return _fail(
            record,
            Outcome(
                kind=record.kind,
                refused="写入数据库时出错（可能与同时进行的其他导入冲突），未写入任何数据，请重新校验后再确认。",
            ),
            state=S.VALIDATED,
        )
    return "committed"


def _fail(record: RosterImport, outcome: Outcome, *, state: str = S.FAILED) -> str:
    fields = _outcome_fields(outcome)
    if state == S.VALIDATED:  # keep the preview staff saw; only say what went wrong
        fields = {"message": fields["message"]}
    RosterImport.objects.filter(pk=record.pk, state=S.COMMITTING).update(state=state, progress=100, **fields)
    return "failed"
