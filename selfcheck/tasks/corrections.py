"""E-mail about correction requests, queued by the interface after the step commits."""

from __future__ import annotations

import logging

from celery import shared_task

from selfcheck.models import CorrectionRequest
from selfcheck.services.correction_notices import correction_notice_send

logger = logging.getLogger(__name__)


@shared_task(name="selfcheck.notify_correction")
def notify_correction(*, correction_id: int, action: str) -> int:
    correction = (
        CorrectionRequest.objects.select_related("student", "student__college").filter(pk=correction_id).first()
    )
    if correction is None:
        logger.info("correction %s is gone; nothing to notify", correction_id)
        return 0
    return correction_notice_send(correction, action)


def queue_notice(correction_id: int, action: str) -> None:
    """The ``notify`` callback views and commands hand to the correction services."""
    notify_correction.delay(correction_id=correction_id, action=action)
