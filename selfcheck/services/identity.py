"""The one place a full ID number leaves the database for a person to read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from selfcheck.models import Student, User
from selfcheck.roles import is_registrar
from selfcheck.services.audit import audit_record


def student_reveal_id_number(student: Student, *, by: User, request: HttpRequest | None = None) -> str:
    """Return ``student``'s full ID number for a registrar who asked for it explicitly.

    Side effects: an audit event ``student.reveal_id`` (who, whose, when, from where; never
    the number itself). Anyone else gets ``PermissionDenied``.
    """
    if not is_registrar(by):
        raise PermissionDenied
    audit_record(actor=by, action="student.reveal_id", target=student, request=request)
    return student.id_number
