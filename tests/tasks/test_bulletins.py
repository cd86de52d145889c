"""The bulletin tasks: delivery options, and the dispatcher queueing what it claimed."""

from __future__ import annotations

from datetime import timedelta

from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from selfcheck.models import Bulletin, Campaign
from selfcheck.tasks.bulletins import dispatch_due_bulletins, generate_bulletin, send_bulletin_mail


def test_generation_is_acknowledged_late_given_back_on_worker_loss_and_retried_on_passing_errors():
    for task in (generate_bulletin, dispatch_due_bulletins, send_bulletin_mail):
        assert task.acks_late is True and task.reject_on_worker_lost is True
        assert {OperationalError, BrokerError} <= set(task.autoretry_for)
        assert task.retry_backoff and task.max_retries
    assert ValueError not in generate_bulletin.autoretry_for and KeyError not in generate_bulletin.autoretry_for


def test_the_dispatch_task_queues_generation_after_its_claims(
    campaign, student_a, secretary_a, mailoutbox, django_capture_on_commit_callbacks
):
    secretary_a.email = "a@example.edu.cn"
    secretary_a.save()
    due = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_bulletins.delay().get() == [due.pk]
    due.refresh_from_db()
    assert due.state == Bulletin.State.PUBLISHED and due.mailed_at is not None
    assert len(mailoutbox) == 1 and mailoutbox[0].subject == due.title


def test_generating_a_bulletin_of_a_campaign_that_closed_meanwhile_waits(campaign, student_a):
    due = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now(), state=Bulletin.State.GENERATING,
        claimed_at=timezone.now(),
    )  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    assert generate_bulletin.delay(bulletin_id=due.pk).get() == "waiting"
    assert Bulletin.objects.get(pk=due.pk).state == Bulletin.State.SCHEDULED
