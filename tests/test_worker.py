"""A real Celery worker: filesystem broker by default, Redis in the services run.

The tests of this module share one worker thread, started once for the module.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from registrar.celery import app as celery_app
from selfcheck.models import Bulletin
from selfcheck.tasks.bulletins import generate_bulletin

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def shared_worker():
    """One worker thread on the configured broker, with whatever was queued before dropped."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield celery_app


@pytest.fixture
def real_worker(shared_worker, _eager_celery):
    """The shared worker, with tasks sent to it rather than run inline (after ``_eager_celery``)."""
    shared_worker.conf.task_always_eager = False
    yield shared_worker


def test_a_worker_generates_a_bulletin(real_worker, campaign, student_a):
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now() - timedelta(minutes=1)
    )
    result = generate_bulletin.delay(bulletin_id=bulletin.pk)
    assert result.get(timeout=60) == "published"
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.PUBLISHED
    assert bulletin.snapshot["overall"]["total"] == 1


def test_the_broker_is_the_configured_one(real_worker):
    expected = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    assert real_worker.conf.broker_url.split(":")[0] == expected.split(":")[0]
