"""One-time reset codes: the way back in for a student who forgot the password.

A college secretary (for their colleges' students) or the registrar issues a code
and passes it on; the student redeems it once, with the 学号, before it expires,
and sets a new password. Only a keyed hash of the code is stored, so neither the
database nor the audit trail can give it away.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from selfcheck.models import ResetCode, Student, User
from selfcheck.services.accounts import normalize_student_no
from selfcheck.services.audit import audit_record
from selfcheck.services.sessions import sessions_end

# No 0/O, 1/I/L: the code is read out or copied by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


class ResetCodeError(Exception):
    """The code cannot be issued or redeemed; the message says why."""


def _hash(student: Student, code: str) -> str:
    return salted_hmac("selfcheck.reset-code", f"{student.pk}:{code}", algorithm="sha256").hexdigest()


def _clean(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum())


def reset_code_issue(*, student: Student, actor: User, request=None) -> str:
    """Issue a new code for ``student`` and return it (the only time it exists in clear).

    The caller has checked that ``student`` is within ``actor``'s scope. Codes issued
    earlier and not yet used stop working. Audited.
    """
    user = student.user
    if user is None:
        raise ResetCodeError(_("该学生尚未激活账号，请让学生先进行首次登录身份验证。"))
    if not user.is_active:
        raise ResetCodeError(_("该账号已停用，不能发放重置码。"))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    hours = settings.SELFCHECK_RESET_CODE_HOURS
    with transaction.atomic():
        ResetCode.objects.filter(student=student, used_at__isnull=True).update(used_at=now)
        record = ResetCode.objects.create(
            student=student,
            code_hash=_hash(student, code),
            issued_by=actor,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        audit_record(
            actor=actor,
            action="student.reset_code_issue",
            target=student,
            changes={"reset_code": record.pk, "expires_at": record.expires_at.isoformat()},
            request=request,
        )
    return code


def reset_code_redeem(*, student_no: str, code: str, password: str, request=None) -> User:
    """Set a new password with a valid code; the code is spent and other sessions end.

    One message for an unknown 学号 and a wrong, spent or expired code.
    """
    invalid = ResetCodeError(_("学号或重置码无效，或重置码已过期。"))
    now = timezone.now()
    with transaction.atomic():
        student = Student.objects.select_related("user").filter(student_no=normalize_student_no(student_no)).first()
        if student is None or student.user is None:
            raise invalid
        wanted = _hash(student, _clean(code))
        live = ResetCode.objects.select_for_update().filter(student=student, used_at__isnull=True, expires_at__gt=now)
        match = next((row for row in live if constant_time_compare(row.code_hash, wanted)), None)
        # The conditional UPDATE spends the code exactly once, even in parallel.
        if match is None or not ResetCode.objects.filter(pk=match.pk, used_at__isnull=True).update(used_at=now):
            raise invalid
        user = student.user
        if not user.is_active:
            raise ResetCodeError(_("该账号已停用，请联系学籍科"))
        user.password = make_password(password)
        user.save(update_fields=["password"])
        ended = sessions_end(user)
        audit_record(
            actor=user,
            action="student.password_reset",
            target=student,
            changes={"reset_code": match.pk, "sessions_ended": ended},
            request=request,
        )
    return user
