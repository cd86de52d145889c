from datetime import timedelta

from django.utils import timezone

from selfcheck.models import AuditEvent, Bulletin, Check
from selfcheck.services.bulletins import bulletin_generate, bulletins_dispatch_due
from selfcheck.tasks.bulletins import queue_generation


def test_dispatch_claims_a_due_bulletin_once_and_generates_it(
    campaign, student_a, student_b, django_capture_on_commit_callbacks
):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED)
    due = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now() - timedelta(minutes=1))
    later = Bulletin.objects.create(campaign=campaign, sequence=2, scheduled_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins_dispatch_due(queue=queue_generation) == [due.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins_dispatch_due(queue=queue_generation) == []
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == Bulletin.State.PUBLISHED and due.spreadsheet
    assert due.snapshot["total"] == 2 and due.snapshot["done"] == 1 and due.snapshot["rate"] == 50.0
    assert later.state == Bulletin.State.SCHEDULED


def test_generating_twice_yields_one_frozen_bulletin(campaign, student_a):
    bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
    assert bulletin_generate(bulletin) == "published"
    first = Bulletin.objects.get(pk=bulletin.pk).snapshot
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED)
    assert bulletin_generate(bulletin) == "already"
    assert Bulletin.objects.get(pk=bulletin.pk).snapshot == first
    assert AuditEvent.objects.filter(action="bulletin.publish").count() == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again(campaign):
    now = timezone.now()
    stuck = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=now - timedelta(hours=1),
        state=Bulletin.State.GENERATING, claimed_at=now - timedelta(hours=1),
    )  # fmt: skip
    assert bulletins_dispatch_due(now, queue=queue_generation) == [stuck.pk]
