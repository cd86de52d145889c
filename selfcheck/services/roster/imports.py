"""A RosterImport from upload to commit through the web pages and their tasks.

States and the steps between them: ``selfcheck.services.roster.states``. Validation
and commit both read the whole file: the commit re-checks every row against the
database as it is at that moment, inside the one transaction that writes, so a
preview that went stale can never half-write.

Steps that hand work to a worker take ``queue``, a callable the interface passes
(``selfcheck.tasks.imports``); it is called with the import's id after commit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.utils import timezone

from selfcheck.models import Campaign, RosterImport, User
from selfcheck.services.audit import audit_record
from selfcheck.services.roster import states
from selfcheck.services.roster.pipeline import audit_changes, compare, parse_stored, stored_name, write
from selfcheck.services.roster.preview import Outcome, outcome_fields, outcome_of, refused_outcome
from selfcheck.services.roster.problems import FileRefused

logger = logging.getLogger(__name__)
S = RosterImport.State
Queue = Callable[[int], None]


def roster_import_create(
    *,
    upload,
    campaign: Campaign,
    kind: str,
    encoding_override: str = "",
    user: User | None,
    queue: Queue,
    request=None,
) -> RosterImport:
    """Store an uploaded file as a RosterImport and queue its validation.

    The form has already refused files over ``SELFCHECK_UPLOAD_LIMIT``. Side effects:
    the file in storage, an audit event, ``queue(pk)`` (validation) after commit.
    """
    with transaction.atomic():
        record = RosterImport(
            campaign=campaign, kind=kind, original_name=os.path.basename(upload.name)[:255], size=upload.size,
            encoding_override=encoding_override or "", uploaded_by=user,
        )  # fmt: skip
        record.file.save(stored_name(upload.name), upload, save=False)
        record.save()
        audit_record(actor=user, action="roster_import.upload", target=record, request=request,
                     changes={"file": [None, record.original_name], "kind": [None, kind]})  # fmt: skip
        transaction.on_commit(lambda: queue(record.pk))
    return record


def roster_import_claim_validation(roster_import_id: int) -> RosterImport | None:
    """Claim an uploaded import for validation (``validating``); None when it is gone or
    not waiting, as when a task is delivered twice."""
    if not states.claim(roster_import_id, "validate", S.VALIDATING, progress=1):
        return None
    return RosterImport.objects.select_related("campaign").get(pk=roster_import_id)


def roster_import_validate(record: RosterImport) -> str:
    """Check a claimed (``validating``) import and keep the preview on it; writes no students.

    Ends ``validated`` (possibly with row errors) or ``failed`` (file refused). A result
    for an import re-queued meanwhile is dropped.
    """
    try:
        parsed = parse_stored(record, campaign_gone="该导入所属的核查活动已被删除，请重新上传。", progress_end=80)
        RosterImport.objects.filter(pk=record.pk).update(progress=85)
        outcome = outcome_of(compare(parsed, record.kind, record.campaign), record.kind)
        state = S.VALIDATED
    except FileRefused as refused:
        outcome, state = refused_outcome(record.kind, refused), S.FAILED
    except FileNotFoundError:
        outcome, state = Outcome(kind=record.kind, refused="上传的文件已不存在，请重新上传。"), S.FAILED
    except Exception:
        logger.exception("validating roster import %s failed", record.pk)
        outcome = Outcome(kind=record.kind, refused=f"校验时发生内部错误，请联系管理员（导入编号 {record.pk}）。")
        state = S.FAILED
    saved = states.claim(record.pk, "validate_done", state, progress=100, **outcome_fields(outcome))
    return state if saved else "superseded"


def roster_import_revalidate(
    record: RosterImport, *, queue: Queue, encoding_override: str | None = None, sheet_override: str | None = None,
    user=None, request=None,
) -> bool:  # fmt: skip
    """Check the file again (another encoding or sheet, colleges just mapped); False once committed.

    Side effects: state back to ``uploaded``, ``queue(pk)`` (validation) after commit.
    """
    changes = {"progress": 0}
    if encoding_override is not None:
        changes["encoding_override"] = encoding_override
    if sheet_override is not None:
        changes["sheet_override"] = sheet_override[:128]
    with transaction.atomic():
        if not states.claim(record.pk, "revalidate", S.UPLOADED, **changes):
            return False
        if user is not None:
            encoding = changes.get("encoding_override", record.encoding_override)
            sheet = changes.get("sheet_override", record.sheet_override)
            audit_record(actor=user, action="roster_import.revalidate", target=record, request=request,
                         changes={"encoding_override": [record.encoding_override, encoding],
                                  "sheet_override": [record.sheet_override, sheet]})  # fmt: skip
        transaction.on_commit(lambda: queue(record.pk))
    return True


class ConfirmRefused(ValueError):
    pass


def roster_import_confirm(
    record: RosterImport, *, valid_only: bool, user: User | None, queue: Queue, request=None,
    accepted_identities: list[str] | tuple = (), include_outside: bool = False,
) -> None:  # fmt: skip
    """Staff confirm a validated preview: claim it for commit and queue the commit.

    ``accepted_identities`` are the 学号 of identity changes staff accepted one by one
    (others are not written); ``include_outside`` gives rows outside the campaign a Check.
    Refuses when rows are invalid and staff did not choose to import only valid rows.
    Side effects: state ``committing``, an audit event, ``queue(pk)`` (commit) after commit.
    """
    if not states.can("confirm", record.state):
        raise ConfirmRefused("只有校验完成的导入才能确认。")
    if record.invalid_count and not valid_only:
        raise ConfirmRefused(f"有 {record.invalid_count} 行数据无效。请修正后重新上传，或勾选“只导入有效行”。")
    listed = {item["student_no"] for item in (record.preview or {}).get("identity_changes", [])}
    accepted = sorted(set(accepted_identities) & listed)
    with transaction.atomic():
        if not states.claim(record.pk, "confirm", S.COMMITTING, valid_only=valid_only, progress=0,
                            accepted_identities=accepted, include_outside=include_outside):  # fmt: skip
            raise ConfirmRefused("该导入已被确认或正在重新校验。")
        audit_record(actor=user, action="roster_import.confirm", target=record, request=request,
                     changes={"valid_only": [None, valid_only], "accepted_identities": [None, accepted],
                              "include_outside": [None, include_outside]})  # fmt: skip
        transaction.on_commit(lambda: queue(record.pk))


def roster_import_commit(record: RosterImport) -> str:
    """Write a confirmed import: every row re-checked, then one transaction.

    Returns "committed", "invalid" (rows turned invalid since the preview: nothing
    written, preview refreshed, back to ``validated``), "failed" or "skipped" (not
    ``committing``: a repeated task). Side effects on success: students, Checks or
    Check statuses written in bulk, state ``committed``, one audit event.
    """
    if not RosterImport.objects.filter(pk=record.pk, state__in=states.STEPS["commit"].sources).exists():
        return "skipped"
    try:
        parsed = parse_stored(record, campaign_gone="该导入所属的核查活动已被删除，未写入任何数据。", progress_end=60)
    except FileRefused as refused:
        return _fail(record, refused_outcome(record.kind, refused))
    except Exception:
        logger.exception("reading roster import %s for commit failed", record.pk)
        return _fail(
            record, Outcome(kind=record.kind, refused=f"导入时发生内部错误，未写入任何数据（导入编号 {record.pk}）。")
        )
    RosterImport.objects.filter(pk=record.pk, state__in=states.STEPS["commit"].sources).update(progress=65)
    try:
        with transaction.atomic():
            locked = (
                RosterImport.objects.select_for_update(of=("self",))
                .select_related("campaign", "uploaded_by")
                .get(pk=record.pk)
            )
            if not states.can("commit", locked.state):
                return "skipped"
            plan = compare(parsed, locked.kind, locked.campaign, accepted=frozenset(locked.accepted_identities),
                           include_outside=locked.include_outside)  # fmt: skip
            outcome = outcome_of(plan, locked.kind)
            if outcome.invalid and not locked.valid_only:
                for name, value in outcome_fields(outcome).items():
                    setattr(locked, name, value)
                locked.state = S.VALIDATED
                locked.progress = 100
                locked.message = (
                    "确认导入时重新校验发现无效行（数据库中的数据已变化），未写入任何数据，请查看后重新确认。"
                )
                locked.save()
                return "invalid"
            now = timezone.now()
            outcome.checks_created = write(
                plan, locked.kind, campaign=locked.campaign, user=locked.uploaded_by, now=now, record=locked
            )
            outcome.committed = True
            for name, value in outcome_fields(outcome).items():
                setattr(locked, name, value)
            locked.state = S.COMMITTED
            locked.progress = 100
            locked.committed_at = now
            locked.save()
            audit_record(actor=locked.uploaded_by, action=f"{locked.kind}_import.commit", target=locked,
                         changes=audit_changes(outcome, plan, locked.valid_only))  # fmt: skip
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
    fields = outcome_fields(outcome)
    if state == S.VALIDATED:  # keep the preview staff saw; only say what went wrong
        fields = {"message": fields["message"]}
    states.claim(record.pk, "commit", state, progress=100, **fields)
    return "failed"
