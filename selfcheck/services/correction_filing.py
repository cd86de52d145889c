"""A student files a correction request, or edits it while it is with them.

The steps ``file`` and ``update`` of the table in ``selfcheck.services.corrections``:
values are checked again here (the form has parsed them as the import does), the
record's correctable fields are snapshot for the optimistic apply, evidence is stored
and the check becomes a discrepancy, all in one transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from selfcheck.models import Check, CorrectionItem, CorrectionRequest, Student, User
from selfcheck.services import correction_fields as fields
from selfcheck.services.checks import CheckError, check_set_status
from selfcheck.services.correction_errors import CorrectionError, CorrectionForbidden
from selfcheck.services.corrections import Notify, _authorize, _record, _text, _transition
from selfcheck.services.evidence import CleanFile, EvidenceRefused, evidence_store


def _validate_changes(student: Student, changes: dict[str, str], kinds: set[str]) -> bool:
    if not changes:
        raise CorrectionError(_("请至少选择一项需要更正的信息。"))
    for field, value in changes.items():
        if field not in fields.CORRECTABLE_FIELDS:
            raise CorrectionError(_("该项信息不能申请更正。"))
        if value == fields.stored_value(student, field):
            raise CorrectionError(_("“%(label)s”与当前信息相同。") % {"label": fields.label(field)})
    problems = fields.identity_problems(student, changes)
    if problems:
        raise CorrectionError(next(iter(problems.values())))
    if CorrectionRequest.IDENTITY_FIELDS & set(changes) and not kinds & {"id_card", "household"}:
        raise CorrectionError(_("更正姓名、性别、出生日期或证件号码，须上传身份证或户口簿照片。"))
    return bool(CorrectionRequest.PROVINCE_APPROVAL_FIELDS & set(changes))


def _write_items(correction: CorrectionRequest, student: Student, changes: dict[str, str]) -> None:
    correction.items.all().delete()
    CorrectionItem.objects.bulk_create(
        CorrectionItem(request=correction, field=field, current_value=fields.stored_value(student, field),
                       requested_value=value)
        for field, value in changes.items()
    )  # fmt: skip


def _mark_discrepancy(check: Check, correction: CorrectionRequest, changes, explanation, by, request) -> None:
    detail = {"fields": dict(changes), "note": explanation, "correction": correction.pk}
    try:
        check_set_status(check, status=Check.Status.DISCREPANCY, by=by, source=Check.Source.STUDENT,
                         detail=detail, request=request)  # fmt: skip
    except CheckError as exc:
        raise CorrectionError(str(exc)) from None


def correction_file(
    check: Check, *, by: User, cause: str, explanation: str, changes: dict[str, str],
    files: list[CleanFile] = (), evidence_kind: str = "other", request: HttpRequest | None = None,
    notify: Notify | None = None,
) -> CorrectionRequest:  # fmt: skip
    """A student files a request for their check; the check becomes a discrepancy.

    Side effects: items, evidence files, comment, audit ``correction.file``, the check's
    status (audited by ``check_set_status``), ``notify`` after commit.
    """
    step = _authorize(None, "file", by)
    student = check.student
    if student.user_id != by.pk:
        raise CorrectionForbidden(_("只能为本人申请更正。"))
    if cause not in CorrectionRequest.Cause.values:
        raise CorrectionError(_("请选择更正原因。"))
    kinds = {evidence_kind} if files else set()
    needs_province = _validate_changes(student, changes, kinds)
    explanation = _text(explanation, step)
    try:
        with transaction.atomic():
            Check.objects.select_for_update().get(pk=check.pk)  # one filing at a time per check
            if (
                CorrectionRequest.objects.filter(campaign=check.campaign_id, student=student)
                .exclude(state__in=CorrectionRequest.CLOSED_STATES)
                .exists()
            ):
                raise CorrectionError(_("您在本次核查中已有一个处理中的更正申请，请在该申请中补充。"))
            correction = CorrectionRequest.objects.create(
                check_record=check, campaign_id=check.campaign_id, student=student, cause=cause,
                explanation=explanation, needs_province_approval=needs_province,
                record_snapshot=fields.snapshot(student), created_by=by,
            )  # fmt: skip
            _write_items(correction, student, changes)
            evidence_store(correction, list(files), kind=evidence_kind, by=by)
            _mark_discrepancy(check, correction, changes, explanation, by, request)
            _record(correction, "file", step, by=by, text=explanation, from_state="", request=request,
                    notify=notify, changes={"fields": [None, sorted(changes)]})  # fmt: skip
    except EvidenceRefused as exc:
        raise CorrectionError(str(exc)) from None
    except IntegrityError:
        raise CorrectionError(_("您在本次核查中已有一个处理中的更正申请，请在该申请中补充。")) from None
    return correction


def correction_update(
    correction: CorrectionRequest, *, by: User, cause: str, explanation: str, changes: dict[str, str],
    files: list[CleanFile] = (), evidence_kind: str = "other", request: HttpRequest | None = None,
    notify: Notify | None = None,
) -> CorrectionRequest:  # fmt: skip
    """The student edits their request while it is with them and (re)submits it.

    Side effects: items replaced, new evidence added, the record snapshot retaken,
    the check's reported detail updated, comment, audit ``correction.update``, notify.
    """
    step = _authorize(correction, "update", by)
    student = correction.student
    if cause not in CorrectionRequest.Cause.values:
        raise CorrectionError(_("请选择更正原因。"))
    kinds = set(correction.evidence.values_list("kind", flat=True)) | ({evidence_kind} if files else set())
    needs_province = _validate_changes(student, changes, kinds)
    explanation = _text(explanation, step)

    def then(locked: CorrectionRequest):
        _write_items(locked, student, changes)
        evidence_store(locked, list(files), kind=evidence_kind, by=by)
        if locked.check_record is not None:
            _mark_discrepancy(locked.check_record, locked, changes, explanation, by, request)
        return {"fields": [None, sorted(changes)]}

    updates = {"cause": cause, "explanation": explanation, "needs_province_approval": needs_province,
               "record_snapshot": fields.snapshot(student)}  # fmt: skip
    try:
        return _transition(correction, "update", by=by, text=explanation, updates=updates, request=request,
                           notify=notify, then=then)  # fmt: skip
    except EvidenceRefused as exc:
        raise CorrectionError(str(exc)) from None
