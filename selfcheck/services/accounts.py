"""Accounts: a student's first sign-in, and password changes.

Activation proves who a student is with 学号 + 证件号码 + 姓名 and is only for a
student who has no usable account yet. Details on a class list must never be
enough to take over an account that is in use, nor to switch a disabled one back
on: a student who forgot the password gets a reset code from staff
(``services.reset_codes``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from selfcheck.idcheck import normalize_id_number
from selfcheck.models import Role, Student, User
from selfcheck.services.audit import audit_record
from selfcheck.services.sessions import session_forget, session_remember, sessions_end
from selfcheck.text import normalize_text


class ActivationError(Exception):
    """The identity details do not match, or the account cannot be activated."""


def normalize_student_no(value: str) -> str:
    """学号 as the roster stores it: full-width digits folded, spaces removed."""
    return normalize_text(value).replace(" ", "")


def account_is_usable(user: User | None) -> bool:
    return user is not None and user.has_usable_password()


def student_activate(*, student_no: str, id_number: str, name: str, password: str, request=None) -> User:
    """Link a student to an account after checking 学号 + 证件号码 + 姓名.

    Creates the account if there is none yet, sets its password and records an
    audit event. One message for every mismatch, so the form never tells which
    of the three details was wrong. Refused for an account that already has a
    password or that staff disabled.
    """
    mismatch = ActivationError(_("学号、证件号码与姓名不匹配，请核对后重试"))
    with transaction.atomic():
        # The row lock makes two parallel activations of one student take turns.
        student = (
            Student.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(student_no=normalize_student_no(student_no))
            .first()
        )
        if (
            student is None
            or student.id_number != normalize_id_number(normalize_text(id_number))
            or student.name != normalize_text(name)
        ):
            raise mismatch
        user = student.user or User.objects.filter(username=student.student_no).first()
        if user is not None and user.role != Role.STUDENT:
            raise ActivationError(_("该学号已被其他账号占用，请联系学籍科"))
        if user is not None and not user.is_active:
            raise ActivationError(_("该账号已停用，请联系学籍科"))
        if account_is_usable(user):
            raise ActivationError(_("该学号已激活。忘记密码请联系学院教学秘书或学籍科领取重置码"))
        if user is None:
            user = User(username=student.student_no, role=Role.STUDENT, first_name=student.name)
        user.password = make_password(password)
        user.save()
        if student.user_id != user.pk:
            student.user = user
            student.save(update_fields=["user"])
        audit_record(actor=user, action="student.activate", target=student, request=request)
    return user


def user_password_changed(*, user: User, previous_key: str | None = None, request=None) -> int:
    """After a password change: end the user's other sessions and audit it.

    Returns how many sessions were ended. The caller has already saved the new
    password and kept its own session under a new key (``update_session_auth_hash``);
    ``previous_key`` is the key it had before.
    """
    keep = request.session.session_key if request is not None else None
    with transaction.atomic():
        session_forget(previous_key)
        ended = sessions_end(user, keep=keep)
        session_remember(user, keep)
        audit_record(
            actor=user, action="user.password_change", target=user, changes={"sessions_ended": ended}, request=request
        )
    return ended
