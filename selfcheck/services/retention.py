"""Retention of uploaded files: rosters and correction evidence are deleted a set number
of days after use. The database rows stay, with the time the file was purged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from selfcheck.models import CorrectionEvidence, CorrectionRequest, RosterImport
from selfcheck.services.audit import audit_record

# An import is used once committed or failed; a correction once it reached a final state.
FINISHED_IMPORTS = (RosterImport.State.COMMITTED, RosterImport.State.FAILED)
FINISHED_CORRECTIONS = tuple(
    state for state in ("applied", "rejected", "withdrawn", "cancelled") if state in CorrectionRequest.State.values
)


@dataclass
class PurgeReport:
    days: int
    cutoff: datetime
    dry_run: bool
    imports: list[int] = field(default_factory=list)
    evidence: list[int] = field(default_factory=list)
    bytes: int = 0

    def as_dict(self) -> dict:
        return {
            "days": self.days,
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "imports": len(self.imports),
            "evidence": len(self.evidence),
            "import_ids": self.imports,
            "evidence_ids": self.evidence,
            "bytes": self.bytes,
        }


def imports_due(cutoff: datetime):
    """Finished imports whose file is still kept and whose last use is before ``cutoff``."""
    used_before = Q(state=RosterImport.State.COMMITTED, committed_at__lt=cutoff) | Q(
        state=RosterImport.State.FAILED, created_at__lt=cutoff
    )
    return RosterImport.objects.filter(used_before, file_purged_at__isnull=True).exclude(file="")


def evidence_due(cutoff: datetime):
    """Evidence of finished corrections last changed before ``cutoff``, file still kept."""
    return CorrectionEvidence.objects.filter(
        request__state__in=FINISHED_CORRECTIONS, request__updated_at__lt=cutoff, file_purged_at__isnull=True
    ).exclude(file="")


def _size(file) -> int:
    try:
        return file.storage.size(file.name)
    except OSError:
        return 0


def _purge(row, *, action: str, now) -> bool:
    """Delete one file, then mark its row; a file already gone is only marked."""
    name = row.file.name
    row.file.storage.delete(name)
    with transaction.atomic():
        marked = type(row).objects.filter(pk=row.pk, file_purged_at__isnull=True).update(file="", file_purged_at=now)
        if marked:
            audit_record(actor=None, action=action, target=row, changes={"file": [name, None]})
    return bool(marked)


def uploads_purge(*, days: int, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Delete uploaded rosters and evidence ``days`` days after use.

    Side effects (unless ``dry_run``): files deleted from storage; ``file`` emptied and
    ``file_purged_at`` set on each row; one audit event per file
    (``roster_import.purge_file``, ``evidence.purge_file``).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    now = now or timezone.now()
    report = PurgeReport(days=days, cutoff=now - timedelta(days=days), dry_run=dry_run)
    for queryset, ids, action in (
        (imports_due(report.cutoff), report.imports, "roster_import.purge_file"),
        (evidence_due(report.cutoff), report.evidence, "evidence.purge_file"),
    ):
        for row in queryset.order_by("pk").iterator():
            size = _size(row.file)
            if dry_run or _purge(row, action=action, now=now):
                ids.append(row.pk)
                report.bytes += size
    return report
