"""College group-robot pushes: a dispatcher run every minute by beat, and the sender it queues."""

from __future__ import annotations

import logging

from celery import shared_task

from selfcheck.models import CollegePush
from selfcheck.services import pushes

logger = logging.getLogger(__name__)


@shared_task(name="selfcheck.dispatch_due_pushes")
def dispatch_due_pushes() -> list[int]:
    """Claim every push that is due (or due again after a failure) and queue its sending."""
    return pushes.pushes_dispatch_due(queue=queue_send)


@shared_task(name="selfcheck.send_college_push", acks_late=True)
def send_college_push(*, push_id: int) -> str:
    push = CollegePush.objects.select_related("college").filter(pk=push_id).first()
    if push is None:
        logger.info("college push %s is gone; nothing to send", push_id)
        return "gone"
    return pushes.college_push_send(push)


def queue_send(push_id: int) -> None:
    send_college_push.delay(push_id=push_id)
