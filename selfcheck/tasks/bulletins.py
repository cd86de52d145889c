"""Bulletin tasks: a dispatcher run by beat, the generator it queues, and the secretaries' e-mail.

Generation acknowledges its message only when done (``acks_late``) and gives it back
when the worker process is lost, so a crash never drops a bulletin; the service is
idempotent, so a redelivery does nothing twice. Database and broker errors are retried
with backoff; bad data ends in the bulletin's ``failed`` state and is not retried.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from selfcheck.models import Bulletin
from selfcheck.services import bulletin_mail, bulletins

logger = logging.getLogger(__name__)

PASSING_ERRORS = (OperationalError, InterfaceError, OSError, BrokerError, RedisConnectionError, RedisTimeoutError)
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": PASSING_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 12,
}


def queue_generation(bulletin_id: int) -> None:
    generate_bulletin.delay(bulletin_id=bulletin_id)


def queue_mail(bulletin_id: int) -> None:
    send_bulletin_mail.delay(bulletin_id=bulletin_id)


@shared_task(name="selfcheck.dispatch_due_bulletins", **RETRY)
def dispatch_due_bulletins() -> list[int]:
    """Claim every bulletin that is due and queue its generation."""
    return bulletins.bulletins_dispatch_due(queue=queue_generation)


@shared_task(name="selfcheck.generate_bulletin", **RETRY)
def generate_bulletin(*, bulletin_id: int) -> str:
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    if bulletin is None:
        logger.info("bulletin %s is gone; nothing to generate", bulletin_id)
        return "gone"
    try:
        outcome = bulletins.bulletin_generate(bulletin, on_published=queue_mail)
    except PASSING_ERRORS:
        raise  # retried with backoff; past the retries the claim goes stale and is taken again
    except Exception as exc:  # anything the service did not foresee: fail fast, do not loop
        logger.exception("bulletin %s cannot be generated", bulletin_id)
        bulletins.bulletin_fail(bulletin, message=bulletins.failure_message(exc))
        return "failed"
    logger.info("bulletin %s: %s", bulletin_id, outcome)
    return outcome


@shared_task(
    name="selfcheck.send_bulletin_mail",
    **{**RETRY, "autoretry_for": (*PASSING_ERRORS, smtplib.SMTPException, OSError)},
)
def send_bulletin_mail(*, bulletin_id: int) -> int:
    return bulletin_mail.bulletin_mail_secretaries(bulletin_id)
