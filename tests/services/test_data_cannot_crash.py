"""Data that cannot crash a page: college codes limited to a safe pattern everywhere they
are created, names with sheet-title characters exported, bulletins with such titles
produced, and a bulletin that cannot be generated failing fast with a message."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Bulletin, College
from selfcheck.services import bulletins as bulletin_service
from selfcheck.services.bulletins import bulletin_generate, bulletins_dispatch_due
from selfcheck.services.roster import CollegeMappingError, roster_college_create
from selfcheck.tasks.bulletins import generate_bulletin, queue_generation

BAD_CODES = ["A/01", "A 01", "../x", "学院", "A01?x", "a" * 17, "A[1]"]


@pytest.mark.parametrize("code", BAD_CODES)
def test_model_refuses_an_unsafe_college_code(db, code):
    with pytest.raises(ValidationError):
        College(code=code, name="测试学院").full_clean()


@pytest.mark.parametrize("code", BAD_CODES)
def test_roster_college_creation_refuses_an_unsafe_code(db, registrar, code):
    with pytest.raises(CollegeMappingError):
        roster_college_create(code=code, name="新学院", user=registrar)
    assert not College.objects.filter(name="新学院").exists()


def test_roster_college_creation_accepts_a_safe_code(db, registrar):
    assert roster_college_create(code="N-09_a", name="新学院", user=registrar).code == "N-09_a"


def test_import_page_new_college_form_refuses_a_slash(client, registrar, campaign):
    from selfcheck.models import RosterImport

    record = RosterImport.objects.create(
        campaign=campaign, original_name="x.xlsx", file="imports/x.xlsx", state=RosterImport.State.VALIDATED
    )
    client.force_login(registrar)
    response = client.post(
        reverse("import_college", args=[record.pk]),
        {"prefix": "c0", "c0-name": "新学院", "c0-action": "create", "c0-code": "A/01"},
        follow=True,
    )
    assert response.status_code == 200
    assert not College.objects.filter(name="新学院").exists()
    assert "学院代码只能包含" in response.content.decode()
    # and the registrar's pages still open
    assert client.get(reverse("campaign_dashboard", args=[campaign.slug])).status_code == 200


def test_admin_refuses_an_unsafe_college_code(client, registrar):
    client.force_login(registrar)
    response = client.post(
        "/admin/selfcheck/college/add/",
        {"code": "A/01", "name": "斜杠学院", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not College.objects.filter(name="斜杠学院").exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_college_export_with_sheet_title_characters_in_the_name(client, registrar, campaign, student_a, fmt):
    college = student_a.college
    college.name = "计算机/软件[一]:学院*?" + "很长" * 20
    college.name = college.name[:64]
    college.save()
    client.force_login(registrar)
    response = client.get(
        reverse("college_export", args=[campaign.slug, college.code]), {"format": fmt, "status": "all"}
    )
    assert response.status_code == 200
    assert "/" not in response["Content-Disposition"].split("filename*=", 1)[1]
    if fmt == "xlsx":
        sheet = load_workbook(BytesIO(response.content)).active
        assert len(sheet.title) <= 31 and "/" not in sheet.title


@pytest.mark.parametrize("title", ["第1次/通报", "[进度]通报", "通报:*?" + "长" * 40])
def test_bulletin_with_a_hostile_title_is_produced(campaign, student_a, title):
    bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, title=title, scheduled_at=timezone.now())
    assert bulletin_generate(bulletin) == "published"
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.PUBLISHED
    sheet = load_workbook(bulletin.spreadsheet.path).active
    assert "/" not in sheet.title and "[" not in sheet.title


def test_a_bulletin_that_cannot_be_generated_fails_fast_with_a_message(
    campaign, student_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(bulletin, **kwargs):
        raise ValueError("bad data")

    monkeypatch.setattr(bulletin_service, "bulletin_generate", broken)
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins_dispatch_due(queue=queue_generation) == [bulletin.pk]  # eager: the task ran and failed
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.FAILED
    assert "ValueError" in bulletin.snapshot["error"]
    assert AuditEvent.objects.filter(action="bulletin.fail", target_id=str(bulletin.pk)).exists()
    # never claimed again, however late it gets
    assert bulletins_dispatch_due(timezone.now() + timedelta(hours=5), queue=queue_generation) == []


def test_a_passing_outage_is_left_for_the_next_claim(campaign, student_a, monkeypatch):
    from django.db import OperationalError

    def away(bulletin, **kwargs):
        raise OperationalError("database went away")

    monkeypatch.setattr(bulletin_service, "bulletin_generate", away)
    bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
    Bulletin.objects.filter(pk=bulletin.pk).update(state=Bulletin.State.GENERATING, claimed_at=timezone.now())
    with pytest.raises(OperationalError):
        generate_bulletin(bulletin_id=bulletin.pk)
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.GENERATING


def test_the_dashboard_shows_the_failure(client, registrar, campaign):
    Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now(), state=Bulletin.State.FAILED,
        snapshot={"error": "通报生成失败（ValueError）"},
    )  # fmt: skip
    client.force_login(registrar)
    page = client.get(reverse("campaign_dashboard", args=[campaign.slug])).content.decode()
    assert 'data-testid="bulletin-error"' in page and "ValueError" in page


def test_migration_makes_stored_unsafe_codes_safe(db, campaign):
    import importlib
    from pathlib import Path

    from django.apps import apps

    import selfcheck.migrations as migrations_package

    (path,) = Path(migrations_package.__file__).parent.glob("*_college_code_pattern_upload_retention.py")
    migration = importlib.import_module(f"selfcheck.migrations.{path.stem}")
    College.objects.bulk_create(
        [College(code="A/01", name="斜杠"), College(code="计算", name="中文"), College(code="A-01", name="已有")]
    )
    migration.make_codes_safe(apps, None)
    codes = dict(College.objects.values_list("name", "code"))
    assert codes["已有"] == "A-01"
    assert codes["斜杠"] != "A-01" and codes["斜杠"].startswith("C")  # "A-01" was taken
    assert codes["中文"].startswith("C")
    for college in College.objects.all():
        college.full_clean()
