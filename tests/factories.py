"""Small builders for test data that obeys the domain's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from selfcheck.demo import resident_id
from selfcheck.models import Campaign, Check, College, Student

_serial = iter(range(1, 10**6))


def make_student(
    college: College,
    *,
    student_no: str | None = None,
    name: str = "王五",
    birth: date = date(2007, 1, 1),
    gender: str = "M",
    **fields,
) -> Student:
    n = next(_serial)
    values = {
        "student_no": student_no or f"2026{n:06d}",
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "id_number": resident_id("110105", birth, n % 500, gender),
        "college": college,
        "major": "软件工程",
        "major_code": "080902",
        "class_name": "软件2601",
        "level": "bk",
        "duration": Decimal("4"),
        "enrolled_on": date(2026, 9, 1),
        "cohort": 2026,
        "ethnicity": "汉族",
        "phone": "13800138000",
    }
    values.update(fields)
    return Student.objects.create(**values)


def make_check(campaign: Campaign, student: Student, **fields) -> Check:
    """A check of ``student`` in ``campaign``, carrying the student's college as the services do."""
    return Check.objects.create(campaign=campaign, student=student, college_id=student.college_id, **fields)
