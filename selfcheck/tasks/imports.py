"""Roster import tasks: validation after upload, commit after staff confirm.

Each claims its work with a conditional UPDATE of ``RosterImport.state`` (or, for the
commit, finds it already claimed by the confirming service and re-checks it under a
row lock), so a task delivered twice does its work once.
"""

from __future__ import annotations

import logging

from celery import shared_task

from selfcheck.models import RosterImport
from selfcheck.services import roster

logger = logging.getLogger(__name__)


@shared_task(name="selfcheck.roster_import_validate", acks_late=True)
def roster_import_validate(*, roster_import_id: int) -> str:
    claimed = RosterImport.objects.filter(pk=roster_import_id, state=RosterImport.State.UPLOADED).update(
        state=RosterImport.State.VALIDATING, progress=1
    )
    if not claimed:
        logger.info("roster import %s is gone or not waiting for validation", roster_import_id)
        return "skipped"
    record = RosterImport.objects.select_related("campaign").get(pk=roster_import_id)
    return roster.roster_import_validate(record)


@shared_task(name="selfcheck.roster_import_commit", acks_late=True)
def roster_import_commit(*, roster_import_id: int) -> str:
    record = RosterImport.objects.select_related("campaign").filter(pk=roster_import_id).first()
    if record is None:
        logger.info("roster import %s is gone; nothing to commit", roster_import_id)
        return "gone"
    return roster.roster_import_commit(record)
