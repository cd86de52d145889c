"""A bulletin's journey in Chromium: the registrar schedules it, it is produced, a
secretary reads it, prints it and downloads the Word and Excel files."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from selfcheck.models import Bulletin, Check
from selfcheck.services.bulletins import bulletin_generate, bulletins_dispatch_due
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import make_check, make_student


def _ignore(bulletin_id: int) -> None:
    """A queue for dispatches whose generation the test runs itself."""


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "test-artifacts/screenshots"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_registrar_schedules_a_bulletin_and_a_secretary_reads_prints_and_downloads_it(
    page, campaign, college_a, student_a, student_b, registrar, secretary_a
):
    for n in range(5):
        student = make_student(college_a, name=f"学生{n}")
        make_check(campaign, student, status="confirmed" if n < 3 else "pending")
    Check.objects.filter(student=student_b).update(status="blocked", blocked_reason="phone_taken")

    # The registrar sets a time in the campaign's schedule.
    sign_in(page, "registrar", PASSWORD)
    page.goto(f"/campaigns/{campaign.slug}/edit/")
    when = timezone.localtime() + timedelta(minutes=5)
    page.fill("input[name='bulletins-0-scheduled_at']", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("form[data-testid=campaign-form] button[type=submit]")
    page.wait_for_url(f"**/campaigns/{campaign.slug}/")
    bulletin = Bulletin.objects.get(campaign=campaign)
    assert bulletin.state == Bulletin.State.SCHEDULED
    assert page.get_by_test_id("bulletins").inner_text().count("待发布") == 1

    # The time comes: the dispatcher claims it and the generator produces it (in process).
    assert bulletins_dispatch_due(bulletin.scheduled_at + timedelta(seconds=1), queue=_ignore) == [bulletin.pk]
    assert bulletin_generate(bulletin) == "published"
    bulletin.refresh_from_db()
    page.context.clear_cookies()

    # A secretary finds it on the home page and opens it.
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    sign_in(page, secretary_a.username, PASSWORD)
    page.get_by_test_id("bulletin-list").get_by_role("link", name=bulletin.title).click()
    page.wait_for_url(f"**/bulletins/{bulletin.sequence}/")
    assert page.get_by_test_id("bulletin-title").inner_text() == bulletin.snapshot["title"]
    assert "第一次通报" in bulletin.snapshot["title"]
    assert page.locator("[data-testid=bulletin-chart] svg").is_visible()
    colleges = page.get_by_test_id("bulletin-colleges").inner_text()
    assert "计算机学院" in colleges and "外国语学院" in colleges
    assert violations == []  # the chart is SVG with attributes, no inline style or script
    page.set_viewport_size({"width": 1366, "height": 900})
    _shot(page, "bulletin-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "bulletin-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Printing: the page becomes the notice alone, without the portal around it.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.get_by_test_id("bulletin-downloads").is_visible()
    assert not page.locator("footer.footer").is_visible()
    assert page.get_by_test_id("bulletin-title").is_visible()
    _shot(page, "bulletin-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (SHOTS / "bulletin-print.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")

    # The Word document and the secretary's workbook.
    with page.expect_download() as docx_download:
        page.get_by_test_id("download-docx").click()
    document = Document(docx_download.value.path())
    assert document.paragraphs[0].text == bulletin.snapshot["title"]
    assert docx_download.value.suggested_filename.endswith(".docx")
    with page.expect_download() as xlsx_download:
        page.get_by_test_id("download-xlsx").click()
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert book.sheetnames == ["汇总", "计算机学院"]
    listed = [row[0] for row in book["计算机学院"].iter_rows(min_row=2, values_only=True)]
    assert student_a.student_no in listed and len(listed) == 3  # student_a and two still pending
    assert student_b.student_no not in str([list(s.values) for s in book.worksheets])
