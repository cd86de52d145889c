"""Writing an approved correction to the student's record, optimistically.

Called by ``selfcheck.services.corrections.correction_apply`` inside its transaction,
after it has claimed the request; any exception here rolls the claim back.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from selfcheck.models import Check, CorrectionRequest, Student, StudentChange, User
from selfcheck.services import correction_fields as fields
from selfcheck.services.audit import audit_record
from selfcheck.services.checks import CheckError, check_set_status
from selfcheck.services.correction_errors import CorrectionConflict, CorrectionError
from selfcheck.services.students import student_sync_checks


def record_differences(correction: CorrectionRequest, student: Student) -> list[tuple[str, str, str]]:
    """(field, value at filing, value now) for every correctable field that changed since filing."""
    now = fields.snapshot(student)
    return [
        (field, value, now.get(field, ""))
        for field, value in (correction.record_snapshot or {}).items()
        if field in now and now[field] != value
    ]


def write_correction(correction: CorrectionRequest, *, by: User, request=None) -> None:
    student = Student.objects.select_for_update().get(pk=correction.student_id)
    differences = record_differences(correction, student)
    if differences:
        raise CorrectionConflict(
            _("提交申请后该学生的学籍信息已有变化（名册导入或其他申请），不能直接更正，请核对差异后处理。"), differences
        )
    items = list(correction.items.all())
    changes = {}
    for item in items:
        old = fields.stored_value(student, item.field)
        setattr(student, item.field, fields.to_python(item.field, item.requested_value))
        changes[item.field] = [old, item.requested_value]
    try:
        with transaction.atomic():
            student.save(update_fields=[*changes, "updated_at"])
    except IntegrityError:
        raise CorrectionError(_("新的证件号码已被另一名学生使用，不能更正，请核实。")) from None
    if {"major", "class_name", "college"} & set(changes):
        student_sync_checks(student)  # the dashboards count by college, major and class
    StudentChange.objects.bulk_create(
        StudentChange(student=student, field=field, old_value=old, new_value=new, changed_by=by, correction=correction)
        for field, (old, new) in changes.items()
    )
    audit_record(actor=by, action="student.correct", target=student, changes=changes, request=request)
    check = correction.check_record
    if check is None:
        return
    try:
        check_set_status(
            check,
            status=Check.Status.CONFIRMED,
            by=by,
            reason=_("更正申请 #%(id)d 已更正") % {"id": correction.pk},
            detail={"corrected": True, "correction": correction.pk},
            request=request,
        )
    except CheckError as exc:
        raise CorrectionError(str(exc)) from None
