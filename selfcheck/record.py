"""A student's record laid out as CHSI shows it, with the ID number masked."""

from __future__ import annotations

from selfcheck.models import Student
from selfcheck.numbers import plain_number

RECORD_FIELDS = (
    "name", "gender", "birth_date", "ethnicity", "id_type", "id_number", "exam_no", "student_no",
    "college", "major", "major_code", "class_name", "level", "duration", "study_mode",
    "education_type", "enrolled_on", "expected_graduation", "status",
)  # fmt: skip


def record_rows(student: Student, *, reveal_id: bool = False) -> list[tuple[str, str]]:
    """(label, value) pairs; the ID number shows only its last four characters unless revealed."""
    rows = []
    for name in RECORD_FIELDS:
        field = Student._meta.get_field(name)
        if name == "id_number":
            value = student.id_number if reveal_id else student.masked_id_number
        elif name == "college":
            value = student.college.name
        elif name == "duration":
            value = "" if student.duration is None else plain_number(student.duration)
        elif field.choices:
            value = getattr(student, f"get_{name}_display")()
        else:
            raw = getattr(student, name)
            value = "" if raw is None else (raw.strftime("%Y-%m-%d") if hasattr(raw, "strftime") else str(raw))
        rows.append((str(field.verbose_name), value))
    return rows
