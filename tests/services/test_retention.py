"""Retention: uploaded rosters and evidence are deleted a set number of days after use."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from selfcheck.models import AuditEvent, CorrectionEvidence, CorrectionRequest, RosterImport
from selfcheck.services.retention import uploads_purge

S = RosterImport.State


def _import(state, *, age_days: int, committed_days: int | None = None) -> RosterImport:
    record = RosterImport(original_name="名册.xlsx", state=state)
    record.file.save("roster.xlsx", ContentFile(b"data"), save=False)
    record.save()
    created = timezone.now() - timedelta(days=age_days)
    committed = timezone.now() - timedelta(days=committed_days) if committed_days is not None else None
    RosterImport.objects.filter(pk=record.pk).update(created_at=created, committed_at=committed)
    record.refresh_from_db()
    return record


def _evidence(student, state, *, age_days: int) -> CorrectionEvidence:
    request = CorrectionRequest.objects.create(student=student, cause=CorrectionRequest.Cause.SCHOOL_ERROR, state=state)
    CorrectionRequest.objects.filter(pk=request.pk).update(updated_at=timezone.now() - timedelta(days=age_days))
    evidence = CorrectionEvidence(request=request, original_name="户口本.jpg")
    evidence.file.save("proof.jpg", ContentFile(b"jpeg"), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def uploads(student_a):
    return {
        "old_committed": _import(S.COMMITTED, age_days=400, committed_days=200),
        "old_failed": _import(S.FAILED, age_days=200),
        "recent_committed": _import(S.COMMITTED, age_days=400, committed_days=10),
        "old_validated": _import(S.VALIDATED, age_days=400),  # waiting for staff: not used yet
        "old_applied": _evidence(student_a, CorrectionRequest.State.APPLIED, age_days=200),
        "old_open": _evidence(student_a, CorrectionRequest.State.SUBMITTED, age_days=200),
        "recent_rejected": _evidence(student_a, CorrectionRequest.State.REJECTED, age_days=3),
    }


def test_it_deletes_files_after_use_and_keeps_the_rows(uploads):
    paths = {key: row.file.path for key, row in uploads.items()}
    report = uploads_purge(days=180)
    assert sorted(report.imports) == sorted([uploads["old_committed"].pk, uploads["old_failed"].pk])
    assert report.evidence == [uploads["old_applied"].pk]
    for key in ("old_committed", "old_failed", "old_applied"):
        row = type(uploads[key]).objects.get(pk=uploads[key].pk)
        assert row.file_purged_at is not None and not row.file
        assert row.original_name  # the row keeps what it was
        assert not __import__("os").path.exists(paths[key])
    for key in ("recent_committed", "old_validated", "old_open", "recent_rejected"):
        row = type(uploads[key]).objects.get(pk=uploads[key].pk)
        assert row.file_purged_at is None and row.file
        assert __import__("os").path.exists(paths[key])
    assert AuditEvent.objects.filter(action="roster_import.purge_file").count() == 2
    assert AuditEvent.objects.filter(action="evidence.purge_file").count() == 1
    assert uploads_purge(days=180).imports == []  # a second run finds nothing


def test_dry_run_changes_nothing(uploads):
    report = uploads_purge(days=180, dry_run=True)
    assert len(report.imports) == 2 and len(report.evidence) == 1
    assert not RosterImport.objects.filter(file_purged_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__endswith="purge_file").exists()


def test_command_json_days_and_dry_run(uploads, settings):
    settings.SELFCHECK_RETENTION_DAYS = 500
    out = StringIO()
    call_command("purge_uploads", "--json", "--dry-run", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["days"] == 500 and payload["dry_run"] is True and payload["imports"] == 0
    out = StringIO()
    call_command("purge_uploads", "--days", "2", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["imports"] == 3 and payload["evidence"] == 2 and payload["dry_run"] is False
    assert RosterImport.objects.filter(file_purged_at__isnull=False).count() == 3


def test_purged_import_page_says_so_and_cannot_be_revalidated(client, registrar, uploads):
    uploads_purge(days=180)
    client.force_login(registrar)
    record = uploads["old_failed"]
    page = client.get(f"/imports/{record.pk}/")
    assert page.status_code == 200
    assert 'data-testid="file-purged"' in page.content.decode()
    response = client.post(f"/imports/{record.pk}/revalidate/", {"encoding": ""})
    assert response.status_code == 302
    assert RosterImport.objects.get(pk=record.pk).state == S.FAILED


def test_beat_runs_the_purge_daily(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "selfcheck.purge_uploads"]
    assert len(entries) == 1 and entries[0]["schedule"] == 24 * 3600
