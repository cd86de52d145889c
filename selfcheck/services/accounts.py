"""Accounts: a student's first sign-in, where they prove who they are."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from selfcheck.idcheck import normalize_id_number
from selfcheck.models import Role, Student, User
from selfcheck.services.audit import audit_record
from selfcheck.text import normalize_text


class ActivationError(Exception):
    """The identity details do not match a student record."""


def student_activate(*, student_no: str, id_number: str, name: str, password: str, request=None) -> User:
    """Link a student to an account after checking 学号 + 证件号码 + 姓名.

    Creates the account if there is none yet, sets its password and records an
    audit event. One message for every mismatch, so the form never tells which
    of the three details was wrong.
    """
    student_no = normalize_text(student_no)
    student = Student.objects.select_related("user").filter(student_no=student_no).first()
    if (
        student is None
        or student.id_number != normalize_id_number(normalize_text(id_number))
        or student.name != normalize_text(name)
    ):
        raise ActivationError(_("学号、证件号码与姓名不匹配，请核对后重试"))
    with transaction.atomic():
        user = student.user
        if user is None:
            user = User.objects.filter(username=student.student_no).first()
        if user is None:
            user = User(username=student.student_no, role=Role.STUDENT, first_name=student.name)
        elif user.role != Role.STUDENT:
            raise ActivationError(_("该学号已被其他账号占用，请联系学籍科"))
        user.password = make_password(password)
        user.is_active = True
        user.save()
        if student.user_id != user.pk:
            student.user = user
            student.save(update_fields=["user"])
        audit_record(actor=user, action="student.activate", target=student, request=request)
    return user
