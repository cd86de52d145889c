"""A real worker with beat on the configured broker produces bulletins exactly once.

Runs in the PostgreSQL + Redis run: the worker is a separate process reading the test
database, beat inside it runs the dispatcher every second.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from registrar.celery import app as celery_app
from selfcheck.models import AuditEvent, Bulletin
from selfcheck.services.bulletins import bulletins_dispatch_due
from tests.tasks.processes import Worker, wait_for


def _ignore(bulletin_id: int) -> None:
    """A queue for dispatches whose generation the test runs itself."""


pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def beat_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    celery_app.control.purge()
    workdir = tmp_path_factory.mktemp("beat-worker")
    with django_db_blocker.unblock():
        worker = Worker(
            workdir,
            broker=settings.CELERY_BROKER_URL,
            beat=True,
            media=workdir / "media",
            SELFCHECK_DISPATCH_SECONDS="1",
        ).start()
    yield worker
    worker.stop()


def _state(bulletin: Bulletin) -> str:
    return Bulletin.objects.values_list("state", flat=True).get(pk=bulletin.pk)


def test_worker_and_beat_produce_a_bulletin_due_in_a_few_seconds_exactly_once(
    beat_worker, campaign, student_a, student_b
):
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now() + timedelta(seconds=4)
    )
    time.sleep(1)
    assert _state(bulletin) == Bulletin.State.SCHEDULED
    wait_for(lambda: _state(bulletin) == Bulletin.State.PUBLISHED, timeout=120, what="the bulletin to be published")
    time.sleep(4)  # several more ticks of beat: none may produce it again
    bulletin.refresh_from_db()
    assert bulletin.snapshot["overall"]["total"] == 2
    assert AuditEvent.objects.filter(action="bulletin.publish", target_id=str(bulletin.pk)).count() == 1
    assert beat_worker.count(f"bulletin {bulletin.pk}: generating") == 1
    media = Path(beat_worker.media)
    assert (media / bulletin.document.name).is_file() and (media / bulletin.spreadsheet.name).is_file()


def test_two_dispatchers_at_once_claim_each_bulletin_once(beat_worker, campaign):
    later = timezone.now() + timedelta(hours=1)  # not due for the running beat
    bulletins = [Bulletin.objects.create(campaign=campaign, sequence=n, scheduled_at=later) for n in range(1, 21)]
    barrier = threading.Barrier(2)
    results: list[list[int]] = [[], []]

    def dispatch(slot: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[slot] = bulletins_dispatch_due(later + timedelta(minutes=1), queue=_ignore)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatch, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    claimed = results[0] + results[1]
    assert sorted(claimed) == sorted(b.pk for b in bulletins)
    assert not set(results[0]) & set(results[1])
    assert Bulletin.objects.filter(state=Bulletin.State.GENERATING).count() == 20
