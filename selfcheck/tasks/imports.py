"""Roster import tasks: validation after upload, commit after staff confirm.

Each claims its work with a conditional UPDATE of ``RosterImport.state`` (or, for the
commit, finds it already claimed by the confirming service and re-checks it under a
row lock), so a task delivered twice does its work once. The ``queue_*`` functions
are what views pass to the import services as their ``queue``.
"""

from __future__ import annotations

import logging

from celery import shared_task

from selfcheck.models import RosterImport
from selfcheck.services import roster

logger = logging.getLogger(__name__)


@shared_task(name="selfcheck.roster_import_validate", acks_late=True)
def roster_import_validate(*, roster_import_id: int) -> str:
    record = roster.roster_import_claim_validation(roster_import_id)
    if record is None:
        logger.info("roster import %s is gone or not waiting for validation", roster_import_id)
        return "skipped"
    return roster.roster_import_validate(record)


@shared_task(name="selfcheck.roster_import_commit", acks_late=True)
def roster_import_commit(*, roster_import_id: int) -> str:
    record = RosterImport.objects.select_related("campaign").filter(pk=roster_import_id).first()
    if record is None:
        logger.info("roster import %s is gone; nothing to commit", roster_import_id)
        return "gone"
    return roster.roster_import_commit(record)


def queue_validation(roster_import_id: int) -> None:
    roster_import_validate.delay(roster_import_id=roster_import_id)


def queue_commit(roster_import_id: int) -> None:
    roster_import_commit.delay(roster_import_id=roster_import_id)
