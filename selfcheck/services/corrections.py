"""Correction requests: the workflow from a student's report to the corrected record.

The states and who may move a request from which state to which are ONE table,
``STEPS``; every step below goes through ``_transition``, which claims the request
with a conditional UPDATE (``state IN sources``) inside a transaction, so of two
people acting at once exactly one succeeds. Each step, on success:

- writes a ``CorrectionComment`` (the text typed, the states before and after);
- writes an audit event ``correction.<action>``;
- after commit, calls ``notify(correction_id, action)`` when the interface passed one
  (the interface queues the e-mail; services never import tasks).

Filing and editing (``correction_file``, ``correction_update``) live in
``selfcheck.services.correction_filing``; they use the same table and ``_transition``.
Applying (``correction_apply``) also writes the new values to the student in the same
transaction, refused when the record changed since the request was filed, records
each field in ``StudentChange`` and marks the check confirmed-after-correction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from selfcheck import roles
from selfcheck.models import CorrectionComment, CorrectionRequest, Role, User
from selfcheck.services.audit import audit_record
from selfcheck.services.correction_apply import write_correction
from selfcheck.services.correction_errors import (  # noqa: F401  (re-exported for callers)
    CorrectionConflict,
    CorrectionError,
    CorrectionForbidden,
)

S = CorrectionRequest.State
Notify = Callable[[int, str], None]
TEXT_MAX = 1000


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]  # () = the request is being created
    target: str
    roles: tuple[str, ...]
    label: Promise
    needs_text: bool = False
    notify: str = ""  # who is told: student | college | registrar | admissions


STEPS: dict[str, Step] = {
    "file": Step((), S.SUBMITTED, (Role.STUDENT,), gettext_lazy("提交申请"), notify="college"),
    "update": Step((S.SUBMITTED, S.RETURNED), S.SUBMITTED, (Role.STUDENT,), gettext_lazy("修改后重新提交"), notify="college"),
    "withdraw": Step((S.SUBMITTED, S.RETURNED), S.WITHDRAWN, (Role.STUDENT,), gettext_lazy("撤回申请"), notify="college"),
    "return": Step((S.SUBMITTED,), S.RETURNED, (Role.SECRETARY, Role.REGISTRAR), gettext_lazy("退回学生修改"), True, "student"),
    "review": Step((S.SUBMITTED,), S.COLLEGE_REVIEWED, (Role.SECRETARY, Role.REGISTRAR), gettext_lazy("审核通过，报学籍科"), notify="registrar"),
    "forward": Step((S.COLLEGE_REVIEWED,), S.FORWARDED, (Role.REGISTRAR,), gettext_lazy("转招生办核实"), notify="admissions"),
    "answer": Step((S.FORWARDED,), S.ANSWERED, (Role.ADMISSIONS,), gettext_lazy("答复学籍科"), True, "registrar"),
    "approve": Step((S.COLLEGE_REVIEWED, S.ANSWERED), S.APPROVED, (Role.REGISTRAR,), gettext_lazy("批准申请"), notify="student"),
    "reject": Step((S.COLLEGE_REVIEWED, S.ANSWERED, S.APPROVED, S.AWAITING_PROVINCE), S.REJECTED, (Role.REGISTRAR,), gettext_lazy("驳回申请"), True, "student"),
    "submit_province": Step((S.APPROVED,), S.AWAITING_PROVINCE, (Role.REGISTRAR,), gettext_lazy("报省级审批"), notify="student"),
    "apply": Step((S.APPROVED, S.AWAITING_PROVINCE), S.APPLIED, (Role.REGISTRAR,), gettext_lazy("更正学籍"), notify="student"),
}  # fmt: skip
STAFF_ACTIONS = ("return", "review", "forward", "answer", "approve", "reject", "submit_province", "apply")


def role_of(user: User) -> str:
    """The role the state table knows the user by (a superuser acts as registrar staff)."""
    return Role.REGISTRAR if roles.is_registrar(user) else user.role


def in_scope(correction: CorrectionRequest, user: User) -> bool:
    role = role_of(user)
    if role == Role.REGISTRAR:
        return True
    if role == Role.SECRETARY:
        return user.colleges.filter(pk=correction.student.college_id).exists()
    if role == Role.STUDENT:
        return correction.student.user_id == user.pk
    if role == Role.ADMISSIONS:
        return correction.forwarded_at is not None
    return False


def allowed_actions(correction: CorrectionRequest, user: User) -> list[str]:
    """The steps this user may take on this request now, in table order."""
    role = role_of(user)
    return [
        action
        for action, step in STEPS.items()
        if step.sources and correction.state in step.sources and role in step.roles and _guard(correction, action) == ""
    ]


def _guard(correction: CorrectionRequest, action: str) -> str:
    """Conditions beyond the state: why the step cannot be taken, or ""."""
    if action == "submit_province" and not correction.needs_province_approval:
        return _("该申请不涉及需省级审批的字段，可直接更正。")
    if action == "apply" and correction.state == S.APPROVED and correction.needs_province_approval:
        return _("该申请涉及需省级审批的字段，请先报省级审批，审批通过后再更正。")
    return ""


def _authorize(correction: CorrectionRequest | None, action: str, user: User) -> Step:
    step = STEPS[action]
    if role_of(user) not in step.roles:
        raise CorrectionForbidden(_("您的角色不能执行此操作。"))
    if correction is not None:
        if not in_scope(correction, user):
            raise CorrectionForbidden(_("该申请不在您的处理范围内。"))
        if correction.state not in step.sources:
            raise CorrectionError(
                _("该申请当前为“%(state)s”，不能%(action)s。")
                % {"state": correction.get_state_display(), "action": step.label}
            )
        reason = _guard(correction, action)
        if reason:
            raise CorrectionError(reason)
    return step


def _text(text: str, step: Step) -> str:
    text = (text or "").strip()
    if step.needs_text and not text:
        raise CorrectionError(_("请填写意见或原因。"))
    if len(text) > TEXT_MAX:
        raise CorrectionError(_("意见不能超过%(max)d字。") % {"max": TEXT_MAX})
    return text


def _record(correction, action, step, *, by, text, from_state, request, notify, changes=None) -> None:
    CorrectionComment.objects.create(
        request=correction, author=by, action=action, from_state=from_state, to_state=step.target, text=text
    )
    audit_record(
        actor=by,
        action=f"correction.{action}",
        target=correction,
        changes={
            "state": [from_state or None, step.target],
            **({"text": [None, text]} if text else {}),
            **(changes or {}),
        },
        request=request,
    )
    if notify is not None:
        transaction.on_commit(partial(notify, correction.pk, action))


def _transition(correction, action, *, by, text="", updates=None, request=None, notify=None, then=None):
    """Claim the request for ``action`` and record it; ``then(locked)`` runs inside the transaction."""
    step = _authorize(correction, action, by)
    text = _text(text, step)
    with transaction.atomic():
        now = timezone.now()
        claimed = CorrectionRequest.objects.filter(pk=correction.pk, state__in=step.sources).update(
            state=step.target, updated_at=now, **(updates or {})
        )
        if claimed != 1:
            raise CorrectionError(_("该申请已被他人处理或状态已变化，请刷新页面后查看。"))
        locked = CorrectionRequest.objects.select_related("student", "check_record", "campaign").get(pk=correction.pk)
        extra = then(locked) if then is not None else None
        _record(locked, action, step, by=by, text=text, from_state=correction.state, request=request,
                notify=notify, changes=extra)  # fmt: skip
    return locked


# --- the student ----------------------------------------------------------------------


def correction_withdraw(correction, *, by, text="", request=None, notify=None) -> CorrectionRequest:
    """The student takes the request back while it is still with them or their college."""
    return _transition(correction, "withdraw", by=by, text=text, request=request, notify=notify)


# --- staff ----------------------------------------------------------------------------


def correction_return(correction, *, by, text, request=None, notify=None) -> CorrectionRequest:
    """The college (or registrar) sends the request back to the student with what to fix."""
    return _transition(correction, "return", by=by, text=text, request=request, notify=notify)


def correction_review(correction, *, by, text="", request=None, notify=None) -> CorrectionRequest:
    """The college has checked the request and passes it to the registrar."""
    return _transition(correction, "review", by=by, text=text, request=request, notify=notify)


def correction_forward(correction, *, by, text="", request=None, notify=None) -> CorrectionRequest:
    """The registrar asks the admissions office to confirm the admission data."""
    return _transition(correction, "forward", by=by, text=text, updates={"forwarded_at": timezone.now()},
                       request=request, notify=notify)  # fmt: skip


def correction_answer(correction, *, by, answer, text, request=None, notify=None) -> CorrectionRequest:
    """The admissions office answers (confirmed / not confirmed, with a note); back to the registrar."""
    if answer not in CorrectionRequest.Answer.values:
        raise CorrectionError(_("请选择核实结果。"))
    updates = {"admissions_answer": answer, "admissions_note": (text or "").strip()}
    return _transition(correction, "answer", by=by, text=text, updates=updates, request=request, notify=notify)


def correction_approve(correction, *, by, text="", request=None, notify=None) -> CorrectionRequest:
    return _transition(correction, "approve", by=by, text=text, updates={"decision_reason": (text or "").strip()},
                       request=request, notify=notify)  # fmt: skip


def correction_reject(correction, *, by, text, request=None, notify=None) -> CorrectionRequest:
    """The registrar refuses the request (also when the province has refused it), with the reason."""
    return _transition(correction, "reject", by=by, text=text, updates={"decision_reason": (text or "").strip()},
                       request=request, notify=notify)  # fmt: skip


def correction_submit_province(correction, *, by, text="", request=None, notify=None) -> CorrectionRequest:
    return _transition(correction, "submit_province", by=by, text=text, request=request, notify=notify)


def correction_apply(
    correction, *, by, reference: str = "", text: str = "", request=None, notify=None
) -> CorrectionRequest:
    """Write the requested values to the student; the check becomes confirmed after correction.

    Refused (nothing written, the request stays where it was) when the record changed
    since the request was filed: ``CorrectionConflict`` lists the differences. A change
    the province approved needs its reference number. Side effects beyond the step's:
    one ``StudentChange`` per field, audit ``student.correct``, the check's status.
    """
    reference = (reference or "").strip()[:64]
    if correction.state == S.AWAITING_PROVINCE and not reference:
        raise CorrectionError(_("请填写省级审批文号。"))

    def then(locked: CorrectionRequest):
        write_correction(locked, by=by, request=request)
        return {"province_reference": [None, reference]} if reference else None

    updates = {"applied_at": timezone.now(), **({"province_reference": reference} if reference else {})}
    return _transition(correction, "apply", by=by, text=text, updates=updates, request=request, notify=notify,
                       then=then)  # fmt: skip
