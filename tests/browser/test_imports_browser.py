"""Staff upload a roster in Chromium: progress, a preview with an error, the fixed file, confirm."""

from __future__ import annotations

import pytest

from selfcheck.models import Check, RosterImport, Student
from selfcheck.tasks import imports as tasks
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, student, table, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, path):
    page.goto("/imports/")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_upload_progress_preview_fix_confirm(page, tmp_path, registrar, campaign, college_a, monkeypatch):
    # The first validation waits in a queue the test controls, as it would for a busy worker.
    queued: list[dict] = []
    eager = tasks.roster_import_validate.delay
    hold = {"on": True}

    def delay(**kwargs):
        if hold["on"]:
            queued.append(kwargs)
            return None
        return eager(**kwargs)

    monkeypatch.setattr(tasks.roster_import_validate, "delay", delay)
    sign_in(page, registrar.username, PASSWORD)
    assert page.locator("nav a", has_text="名册导入").count() == 1

    broken = write_xlsx(tmp_path / "新生名册.xlsx", table([student(1), student(2, 证件号码="110105200705121234")]))
    upload(page, broken)
    progress = page.get_by_test_id("progress")
    assert progress.is_visible()
    assert page.locator(".progress").count() == 1
    assert page.get_by_test_id("import-state").inner_text() == "已上传"

    hold["on"] = False
    assert len(queued) == 1
    tasks.roster_import_validate(**queued.pop())  # the worker picks it up; the page follows by itself
    page.wait_for_selector("[data-testid=error-row]")
    error = page.get_by_test_id("error-row").first.inner_text()
    assert "证件号码" in error and "校验位错误" in error
    assert page.get_by_test_id("count-invalid").inner_text() == "1"
    assert page.locator("[data-confirm]").is_disabled()
    page.check("[data-valid-only]")
    assert page.locator("[data-confirm]").is_enabled()
    assert not Student.objects.exists()

    fixed = write_xlsx(tmp_path / "新生名册-修正.xlsx", table([student(1), student(2)]))
    upload(page, fixed)
    page.wait_for_selector("[data-testid=count-created]")
    assert page.get_by_test_id("count-created").inner_text() == "2"
    assert page.get_by_test_id("count-invalid").inner_text() == "0"
    page.click("[data-confirm]")
    page.wait_for_selector("[data-testid=committed]")

    assert sorted(Student.objects.values_list("student_no", flat=True)) == ["2026000001", "2026000002"]
    assert Check.objects.filter(campaign=campaign).count() == 2
    assert RosterImport.objects.filter(state=RosterImport.State.COMMITTED).count() == 1
