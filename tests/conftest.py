"""Shared fixtures: a small school with well-named people in it."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from registrar.celery import app as celery_app
from selfcheck.models import Campaign, Check, College, Role, Student, User
from tests.factories import (
    PASSWORD,
    at_hour,
    make_check,
    make_student,
    set_status,
)


def pytest_configure(config):
    os.environ.setdefault("SELFCHECK_ALLOW_DEV_SECRET", "1")


def pytest_collection_modifyitems(config, items):
    """Service tests run when the services are named; asked for, they must not skip."""
    required = os.environ.get("SELFCHECK_REQUIRE_SERVICES") == "1"
    named = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis")
    if required or named:
        return
    skip = pytest.mark.skip(reason="needs DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://... (see .ci/run)")
    for item in items:
        if item.get_closest_marker("services") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _short_lived_connections():
    """Persistent connections (the production default) would keep live-server threads
    attached to the test database after the run, and it could not be dropped."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Tasks run inline in tests unless a test starts a real worker."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Query counts must not depend on whether CACHE_URL puts session reads in Redis.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SELFCHECK_PRIVATE_DIR = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def college_a(db):
    return College.objects.create(code="A01", name="计算机学院")


@pytest.fixture
def college_b(db):
    return College.objects.create(code="B02", name="外国语学院")


@pytest.fixture
def campaign(db):
    today = timezone.localdate()
    return Campaign.objects.create(
        slug="fall",
        name="2026级新生学籍自查",
        cohort=today.year,
        levels=["bk"],
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=10),
        state=Campaign.State.OPEN,
        target_rate=Decimal("95"),
    )


def _user(username: str, role: str, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)
    return user


@pytest.fixture
def registrar(db):
    return _user("registrar", Role.REGISTRAR, is_staff=True, is_superuser=True)


@pytest.fixture
def secretary_a(college_a):
    user = _user("sec-a", Role.SECRETARY)
    user.colleges.add(college_a)
    return user


@pytest.fixture
def secretary_b(college_b):
    user = _user("sec-b", Role.SECRETARY)
    user.colleges.add(college_b)
    return user


@pytest.fixture
def admissions(db):
    return _user("admissions", Role.ADMISSIONS)


@pytest.fixture
def outsider(db):
    """Signed in, but with a role that reaches nothing of a school's records."""
    return _user("outsider", Role.STUDENT)


@pytest.fixture
def student_a(college_a, campaign) -> Student:
    student = make_student(college_a, student_no="2026010001", name="张三", birth=date(2007, 5, 12), gender="M")
    student.user = _user(student.student_no, Role.STUDENT, first_name=student.name)
    student.save(update_fields=["user"])
    make_check(campaign, student)
    return student


@pytest.fixture
def student_b(college_b, campaign) -> Student:
    student = make_student(college_b, student_no="2026020001", name="李四", birth=date(2006, 11, 3), gender="F")
    student.user = _user(student.student_no, Role.STUDENT, first_name=student.name)
    student.save(update_fields=["user"])
    make_check(campaign, student)
    return student


@pytest.fixture
def student_user(student_a) -> User:
    return student_a.user


@pytest.fixture
def school(campaign, college_a, college_b, student_a, student_b):
    """Six students in A, two in B, in several states."""
    today = timezone.localdate()
    extra_a = [make_student(college_a, class_name=f"软件260{i % 2 + 1}") for i in range(4)]
    extra_b = [make_student(college_b, major="英语", class_name="英语2601")]
    for student in extra_a + extra_b:
        make_check(campaign, student)
    set_status(student_a, Check.Status.CONFIRMED, completed=at_hour(campaign.opens_on))
    set_status(extra_a[0], Check.Status.DISCREPANCY, completed=at_hour(today))
    set_status(extra_a[1], Check.Status.BLOCKED, blocked_reason="phone_taken")
    set_status(extra_a[2], Check.Status.MISSING)
    set_status(student_b, Check.Status.CONFIRMED, completed=at_hour(campaign.opens_on + timedelta(days=1)))
    return {"a": [student_a, *extra_a], "b": [student_b, *extra_b]}
