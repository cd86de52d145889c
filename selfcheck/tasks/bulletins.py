"""Bulletin tasks: a dispatcher run every minute by beat, and the generator it queues."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from selfcheck.models import Bulletin
from selfcheck.services import bulletins

logger = logging.getLogger(__name__)

# Errors a later try may not meet: the database or the disk was away for a moment.
RETRYABLE = (OperationalError, InterfaceError, OSError)


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
    try:
        return bulletins.bulletin_generate(bulletin)
    except RETRYABLE:
        raise  # the claim goes stale and the dispatcher tries again
    except Exception as exc:
        # Bad data (a title, a value) fails the same way every time: stop here with a
        # message instead of being reclaimed every 15 minutes for ever.
        logger.exception("bulletin %s cannot be generated", bulletin_id)
        bulletins.bulletin_fail(
            bulletin,
            message=_("通报生成失败（%(error)s），重试不会成功，请检查通报设置后重新安排。")
            % {"error": type(exc).__name__},
        )
        return "failed"


def queue_generation(bulletin_id: int) -> None:
    generate_bulletin.delay(bulletin_id=bulletin_id)
