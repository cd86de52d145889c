"""Fixtures of the page tests."""

import pytest
from django.utils import timezone

from selfcheck.models import Check
from tests.factories import make_check, make_student


@pytest.fixture
def college_a_students(campaign, college_a, student_a):
    others = [
        make_student(college_a, name="赵一", class_name="软件2601", phone="13900000001"),
        make_student(college_a, name="钱二", class_name="软件2602", phone="13900000002"),
        make_student(college_a, name="孙三", major="人工智能", class_name="智能2601", phone="13900000003"),
    ]
    statuses = [Check.Status.CONFIRMED, Check.Status.BLOCKED, Check.Status.PENDING]
    for student, status in zip(others, statuses, strict=True):
        make_check(
            campaign, student, status=status,
            blocked_reason="phone_taken" if status == Check.Status.BLOCKED else "",
            completed_at=timezone.now() if status == Check.Status.CONFIRMED else None,
        )  # fmt: skip
    return [student_a, *others]
