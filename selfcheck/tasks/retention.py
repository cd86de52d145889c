"""Daily retention run queued by beat; the same as ``manage.py purge_uploads``."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from selfcheck.services.retention import uploads_purge


@shared_task(name="selfcheck.purge_uploads")
def purge_uploads() -> dict:
    return uploads_purge(days=settings.SELFCHECK_RETENTION_DAYS).as_dict()
