"""Student records outside the import: keeping each check's copy of the college in step."""

from __future__ import annotations

from selfcheck.models import Check, College, Student


def student_sync_checks(student: Student) -> int:
    """Copy ``student``'s college onto their checks where it differs; returns rows changed."""
    return (
        Check.objects.filter(student=student)
        .exclude(college_id=student.college_id)
        .update(college_id=student.college_id)
    )


def students_sync_checks() -> int:
    """Copy every student's college onto their checks where it differs; returns rows changed.

    For writers that move students in bulk. One UPDATE per college, each a subquery
    join, so no id list grows with the roster.
    """
    changed = 0
    for college_id in College.objects.values_list("pk", flat=True):
        changed += (
            Check.objects.filter(student__college_id=college_id)
            .exclude(college_id=college_id)
            .update(college_id=college_id)
        )
    return changed
