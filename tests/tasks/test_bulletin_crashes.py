"""Bulletins survive a worker killed mid-generation and a broker that goes away.

The broker here is a redis-server of the test's own on a free port, so it can be
stopped and started without touching the Redis other programs use. Generation is
made slow by ``SELFCHECK_BULLETIN_TEST_DELAY`` in the worker's environment (a setting
the service reads), so the worker can be killed while it holds the bulletin.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from registrar.celery import app as celery_app
from selfcheck.models import AuditEvent, Bulletin
from selfcheck.services.bulletins import bulletins_dispatch_due
from tests.tasks.processes import RedisServer, Worker, wait_for


def _ignore(bulletin_id: int) -> None:
    """A queue for dispatches whose generation the test runs itself."""


pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def _state(bulletin: Bulletin) -> str:
    return Bulletin.objects.values_list("state", flat=True).get(pk=bulletin.pk)


def _published_once(bulletin: Bulletin, media) -> None:
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.PUBLISHED
    assert AuditEvent.objects.filter(action="bulletin.publish", target_id=str(bulletin.pk)).count() == 1
    assert (media / bulletin.document.name).is_file() and (media / bulletin.spreadsheet.name).is_file()


def test_a_worker_killed_mid_generation_and_restarted_yields_one_bulletin(
    private_redis, tmp_path, campaign, student_a, student_b
):
    media = tmp_path / "media"
    slow = Worker(
        tmp_path / "slow", broker=private_redis.url, beat=False, media=media, SELFCHECK_BULLETIN_TEST_DELAY="120"
    )
    slow.start()
    try:
        bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
        assert bulletins_dispatch_due(queue=_ignore) == [bulletin.pk]
        celery_app.conf.task_always_eager = False  # the conftest sets it for in-process tests
        with celery_app.connection_for_write(private_redis.url) as conn:
            celery_app.send_task("selfcheck.generate_bulletin", kwargs={"bulletin_id": bulletin.pk}, connection=conn)
        wait_for(lambda: slow.count(f"bulletin {bulletin.pk}: generating"), timeout=90, what="generation to start")
        slow.kill()
    finally:
        slow.stop()
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.GENERATING and not bulletin.document  # the killed work left nothing

    restarted = Worker(
        tmp_path / "restarted", broker=private_redis.url, beat=True, media=media,
        SELFCHECK_DISPATCH_SECONDS="1", SELFCHECK_BULLETIN_STALE_SECONDS="3",
    ).start()  # fmt: skip
    try:
        wait_for(lambda: _state(bulletin) == Bulletin.State.PUBLISHED, timeout=120, what="the bulletin after restart")
        time.sleep(4)  # more ticks: the bulletin must not be produced again
    finally:
        restarted.stop()
    _published_once(bulletin, media)
    assert restarted.count(f"bulletin {bulletin.pk}: generating") == 1


def _pool_children(worker: Worker) -> list[int]:
    children = Path(f"/proc/{worker.process.pid}/task/{worker.process.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_pool_process_killed_mid_generation_gives_the_task_back_and_one_bulletin_results(
    private_redis, tmp_path, campaign, student_a
):
    """acks_late + reject_on_worker_lost: the worker requeues the message and a fresh process finishes it."""
    media = tmp_path / "media"
    worker = Worker(
        tmp_path / "pool", broker=private_redis.url, beat=False, media=media, SELFCHECK_BULLETIN_TEST_DELAY="6"
    )
    worker.start()
    try:
        bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
        assert bulletins_dispatch_due(queue=_ignore) == [bulletin.pk]
        celery_app.conf.task_always_eager = False
        with celery_app.connection_for_write(private_redis.url) as conn:
            celery_app.send_task("selfcheck.generate_bulletin", kwargs={"bulletin_id": bulletin.pk}, connection=conn)
        needle = f"bulletin {bulletin.pk}: generating"
        wait_for(lambda: worker.count(needle), timeout=90, what="generation to start")
        (child,) = _pool_children(worker)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: _state(bulletin) == Bulletin.State.PUBLISHED, timeout=120, what="the requeued generation")
        time.sleep(2)
    finally:
        worker.stop()
    _published_once(bulletin, media)
    assert worker.count(needle) == 2  # the killed run and the one that finished
    assert "WorkerLostError" in worker.text()


def test_a_bulletin_due_while_redis_is_down_is_produced_on_the_next_tick_after(
    private_redis, tmp_path, campaign, student_a
):
    media = tmp_path / "media"
    worker = Worker(tmp_path / "w", broker=private_redis.url, beat=True, media=media, SELFCHECK_DISPATCH_SECONDS="1")
    worker.start()
    try:
        bulletin = Bulletin.objects.create(
            campaign=campaign, sequence=1, scheduled_at=timezone.now() + timedelta(seconds=3)
        )
        private_redis.stop()
        time.sleep(8)  # the bulletin falls due while nothing can be queued
        assert _state(bulletin) == Bulletin.State.SCHEDULED
        private_redis.start()
        wait_for(
            lambda: _state(bulletin) == Bulletin.State.PUBLISHED, timeout=180, what="the bulletin after Redis is back"
        )
        time.sleep(3)
    finally:
        private_redis.start() if not private_redis.answers() else None
        worker.stop()
    _published_once(bulletin, media)
