"""Two registrar staff acting on the same request at the same moment, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from selfcheck.models import AuditEvent, Check, CorrectionRequest, Role, StudentChange, User
from selfcheck.services import corrections as service
from tests.factories import file_correction

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("action", "start"), [("approve", "college_reviewed"), ("apply", "approved")])
def test_two_registrars_at_once_exactly_one_succeeds(student_a, registrar, action, start):
    other = User.objects.create_user("registrar-2", password="x", role=Role.REGISTRAR)
    correction = file_correction(Check.objects.select_related("campaign", "student").get(student=student_a))
    CorrectionRequest.objects.filter(pk=correction.pk).update(state=start)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(user):
        try:
            stale = CorrectionRequest.objects.select_related("student", "check_record").get(pk=correction.pk)
            barrier.wait(timeout=30)
            getattr(service, f"correction_{action}")(stale, by=user)
            results.append("done")
        except service.CorrectionError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in (registrar, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["done", "refused"]
    assert AuditEvent.objects.filter(action=f"correction.{action}", target_id=str(correction.pk)).count() == 1
    assert CorrectionRequest.objects.get(pk=correction.pk).state == service.STEPS[action].target
    if action == "apply":
        assert StudentChange.objects.filter(student=student_a).count() == 1
