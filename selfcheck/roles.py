"""Which role a user has: the one place that answers it.

Views decide 403 with ``has_role`` (through ``permissions.role_required``), selectors
scope with ``is_registrar`` and friends, services ask the same functions, so a
superuser counts as registrar staff everywhere or nowhere.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("学籍科")
    SECRETARY = "secretary", _("学院教学秘书")
    ADMISSIONS = "admissions", _("招生办")
    STUDENT = "student", _("学生")


def _role(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return user.role


def is_registrar(user) -> bool:
    """Registrar staff: the role, or a superuser (who runs the office's tools)."""
    return _role(user) is not None and (user.is_superuser or user.role == Role.REGISTRAR)


def is_secretary(user) -> bool:
    return _role(user) == Role.SECRETARY


def is_student(user) -> bool:
    return _role(user) == Role.STUDENT


def is_admissions(user) -> bool:
    return _role(user) == Role.ADMISSIONS


def has_role(user, *roles: str) -> bool:
    """Whether a signed-in user has one of ``roles`` (a superuser has the registrar's)."""
    if _role(user) is None:
        return False
    if Role.REGISTRAR in roles and is_registrar(user):
        return True
    return user.role in roles
