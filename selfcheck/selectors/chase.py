"""Who is still to be chased: per college and class, the students pending or blocked.

Only 姓名 and 学号 leave this module (and the status): the lists are pasted into class
chat groups and printed, so nothing else about a student may travel with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from selfcheck.models import Check, College

# The students a class group is reminded of; 查无学籍 is the registrar's case, not a reminder.
CHASE_STATUSES = (Check.Status.PENDING, Check.Status.BLOCKED)


@dataclass
class ChaseStudent:
    name: str
    student_no: str
    status: str
    status_label: str


@dataclass
class ChaseClass:
    class_name: str
    students: list[ChaseStudent] = field(default_factory=list)


@dataclass
class ChaseCollege:
    code: str
    name: str
    classes: list[ChaseClass] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(c.students) for c in self.classes)


def chase_lists(
    checks: QuerySet[Check], *, college: College | str | None = None, class_name: str | None = None
) -> list[ChaseCollege]:
    """Group the chase-worthy checks of an already scoped queryset (``checks_for``) by
    college and class, ordered by college code, class and 学号; one query."""
    checks = checks.filter(status__in=CHASE_STATUSES)
    if isinstance(college, College):
        checks = checks.filter(college=college)
    elif college:
        checks = checks.filter(college__code=college)
    if class_name is not None:
        checks = checks.filter(student__class_name=class_name)
    rows = checks.order_by("college__code", "student__class_name", "student__student_no").values_list(
        "college__code", "college__name", "student__class_name", "student__name", "student__student_no", "status"
    )
    labels = dict(Check.Status.choices)
    colleges: list[ChaseCollege] = []
    for code, college_name, klass, name, student_no, status in rows:
        if not colleges or colleges[-1].code != code:
            colleges.append(ChaseCollege(code=code, name=college_name))
        classes = colleges[-1].classes
        if not classes or classes[-1].class_name != klass:
            classes.append(ChaseClass(class_name=klass))
        classes[-1].students.append(ChaseStudent(name, student_no, status, str(labels.get(status, status))))
    return colleges
