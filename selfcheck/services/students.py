"""Student records outside the import: keeping each check's copy of the college in step."""

from __future__ import annotations

from selfcheck.counters import counts_rebuild_for_students
from selfcheck.models import Check, College, Student


def student_sync_checks(student: Student) -> int:
    """Copy ``student``'s college onto their checks where it differs; returns rows changed.

    Side effect: the dashboards' counts of the student's campaigns are rebuilt (a move
    of college, major or class changes them).
    """
    changed = (
        Check.objects.filter(student=student)
        .exclude(college_id=student.college_id)
        .update(college_id=student.college_id)
    )
    counts_rebuild_for_students([student.pk])
    return changed


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
    return changed  # the caller rebuilds the counts of the campaigns it touched (counters.counts_rebuild)
