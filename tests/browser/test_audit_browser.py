"""The audit page and the registrar's full-ID reveal in Chromium, on a phone and a desktop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from selfcheck.models import Check
from selfcheck.services.audit import audit_record
from selfcheck.services.checks import check_set_status
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "test-artifacts/screenshots"))
TYPED_ID = "11010520070512001X"


@pytest.fixture
def trail(registrar, secretary_a, student_a, student_user, campaign):
    check = Check.objects.get(student=student_a)
    check_set_status(
        check, status=Check.Status.DISCREPANCY, by=student_user,
        detail={"fields": {"id_number": TYPED_ID, "name": "张叁"}, "note": "身份证号码录错了"},
    )  # fmt: skip
    check_set_status(check, status=Check.Status.CONFIRMED, by=secretary_a, reason="学生电话告知已在学信网核对无误")
    audit_record(
        actor=registrar, action="campaign.update", target=campaign, changes={"name": ["旧名称", campaign.name]}
    )
    return check


@pytest.mark.parametrize("width", [390, 1366])
def test_audit_page_filters_and_masks(page, registrar, student_a, trail, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, registrar.username, PASSWORD)
    page.get_by_test_id("audit-link").click()
    page.wait_for_url("**/audit/")
    rows = page.get_by_test_id("audit-row")
    assert rows.count() == 3
    text = page.get_by_test_id("audit-events").inner_text()
    assert "设置核对状态" in text and "**************001X" in text
    assert TYPED_ID not in page.content() and student_a.id_number not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"audit-{width}.png"), full_page=True)
    page.select_option("select[name=action]", "check.set_status")
    page.fill("input[name=actor]", "sec-a")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("audit-row").count() == 1
    page.screenshot(path=str(SHOTS / f"audit-filtered-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")


@pytest.mark.parametrize("width", [390, 1366])
def test_registrar_reveals_a_full_id_once(page, registrar, student_a, campaign, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, registrar.username, PASSWORD)
    page.goto(f"/campaigns/{campaign.slug}/students/{student_a.pk}/")
    assert student_a.id_number not in page.content()
    page.screenshot(path=str(SHOTS / f"check-detail-{width}.png"), full_page=True)
    page.get_by_test_id("reveal-id").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("id-full").inner_text() == student_a.id_number
    assert student_a.id_number not in page.url
    page.screenshot(path=str(SHOTS / f"id-reveal-{width}.png"), full_page=True)
    page.goto(f"/campaigns/{campaign.slug}/students/{student_a.pk}/")
    assert student_a.id_number not in page.content()
