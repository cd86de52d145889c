"""Students a user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from selfcheck import roles
from selfcheck.models import Student, User
from selfcheck.selectors.colleges import colleges_for
from selfcheck.selectors.corrections import corrections_for


def students_for(user: User) -> QuerySet[Student]:
    if roles.is_registrar(user):
        return Student.objects.all()
    if roles.is_secretary(user):
        return Student.objects.filter(college__in=colleges_for(user))
    if roles.is_student(user):
        return Student.objects.filter(user=user)
    if roles.is_admissions(user):
        return Student.objects.filter(corrections__in=corrections_for(user)).distinct()
    return Student.objects.none()


def own_student(user: User) -> Student | None:
    """The Student record a student account belongs to."""
    if not roles.is_student(user):
        return None
    return Student.objects.select_related("college").filter(user=user).first()
