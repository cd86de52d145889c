"""Bulletin tasks: a dispatcher run every minute by beat, and the generator it queues."""

from __future__ import annotations

import logging

from celery import shared_task

from selfcheck.models import Bulletin
from selfcheck.services import bulletins

logger = logging.getLogger(__name__)


@shared_task(name="selfcheck.dispatch_due_bulletins")
def dispatch_due_bulletins() -> list[int]:
    """Claim every bulletin that is due and queue its generation."""
    return bulletins.bulletins_dispatch_due(queue=queue_generation)


@shared_task(name="selfcheck.generate_bulletin", acks_late=True)
def generate_bulletin(*, bulletin_id: int) -> str:
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    if bulletin is None:
        logger.info("bulletin %s is gone; nothing to generate", bulletin_id)
        return "gone"
    return bulletins.bulletin_generate(bulletin)


def queue_generation(bulletin_id: int) -> None:
    generate_bulletin.delay(bulletin_id=bulletin_id)
