"""Changed pages on a phone and a desktop: the student's masked corrected ID, a failed
bulletin's message, an import whose file was deleted after the retention period."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from selfcheck.models import Bulletin, Check, RosterImport
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import file_correction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "test-artifacts/screenshots"))
TYPED_ID = "110105200705120010"  # valid for 张三: born 2007-05-12, male


@pytest.mark.parametrize("width", [390, 1366])
def test_student_sees_the_corrected_id_masked(page, student_a, student_user, campaign, width):
    check = Check.objects.select_related("campaign", "student").get(student=student_a)
    correction = file_correction(check, changes={"id_number": TYPED_ID})
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, student_a.student_no, PASSWORD, student=True)
    assert TYPED_ID not in page.content() and "**************0010" in page.content()
    page.goto(f"/me/{campaign.slug}/discrepancy/")
    assert page.input_value("input[name=correct_id_number]") == "**************0010"
    assert TYPED_ID not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"discrepancy-{width}.png"), full_page=True)
    page.click("[data-testid=correction-form] button[type=submit]")  # sent back unchanged
    page.wait_for_url("**/corrections/*/")
    assert TYPED_ID not in page.content()
    check.refresh_from_db()
    assert check.detail["fields"]["id_number"] == TYPED_ID
    assert correction.items.get().requested_value == TYPED_ID


@pytest.mark.parametrize("width", [390, 1366])
def test_registrar_sees_a_failed_bulletin_and_a_purged_import(page, registrar, campaign, student_a, width):
    Bulletin.objects.create(
        campaign=campaign, sequence=1, title="第一次/通报", scheduled_at=timezone.now() - timedelta(hours=1),
        state=Bulletin.State.FAILED,
        snapshot={"error": "通报生成失败（ValueError），重试不会成功，请检查通报设置后重新安排。"},
    )  # fmt: skip
    record = RosterImport.objects.create(
        campaign=campaign, original_name="2026级名册.xlsx", state=RosterImport.State.COMMITTED,
        committed_at=timezone.now() - timedelta(days=200), file_purged_at=timezone.now(), uploaded_by=registrar,
    )  # fmt: skip
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, registrar.username, PASSWORD)
    page.goto(f"/campaigns/{campaign.slug}/")
    assert "重试不会成功" in page.get_by_test_id("bulletin-error").inner_text()
    page.get_by_test_id("bulletins").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"dashboard-failed-bulletin-{width}.png"), full_page=True)
    page.goto(f"/imports/{record.pk}/")
    assert "按保留期限删除" in page.get_by_test_id("file-purged").inner_text()
    page.screenshot(path=str(SHOTS / f"import-purged-{width}.png"), full_page=True)
