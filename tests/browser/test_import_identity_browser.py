"""Staff at 1366 px: a preview with another person under an existing 学号, students outside
the campaign, the roster on a later sheet and grouped errors; they accept one identity change."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from selfcheck.demo import resident_id
from selfcheck.models import AuditEvent, Check, RosterImport, Student
from selfcheck.services import roster
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, student, table, write_xlsx
from tests.services.roster.test_sheets import INSTRUCTIONS, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BIRTH = date(2006, 3, 4)
TOP_UP = {"层次": "专升本", "入学日期": "2024-09-01", "学制": "2", "预计毕业日期": "2026-06-30"}
SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "")) if os.environ.get("SELFCHECK_SHOTS") else None


def other_person(n):
    return student(n, 姓名="另一人", 出生日期=BIRTH.isoformat(), 证件号码=resident_id("110105", BIRTH, 900 + n, "M"))


def test_staff_accept_an_identity_change_and_leave_the_other(page, tmp_path, registrar, campaign, college_a):
    roster.roster_import_run(write_xlsx(tmp_path / "a.xlsx", table([student(1), student(2)])), campaign=campaign)
    rows = [other_person(1), other_person(2), student(3, 专业="数据科学"), student(4, **TOP_UP)]
    rows += [student(n, 学院="不存在的学院") for n in range(10, 16)]
    path = workbook(tmp_path / "学校模板.xlsx", [("填表说明", INSTRUCTIONS, False), ("名册", table(rows), False)])
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, registrar.username, PASSWORD)
    page.goto("/imports/")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=identity-changes]")

    assert page.get_by_test_id("sheet").inner_text() == "名册"
    assert page.get_by_test_id("error-count").inner_text() == "6"
    assert "2024 级 专升本" in page.get_by_test_id("outside").inner_text()
    assert page.get_by_test_id("accept-identity").count() == 2
    if SHOTS:
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"import-preview-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
    page.check("[data-valid-only]")
    page.locator("[data-testid=accept-identity][value='2026000002']").check()
    page.click("[data-confirm]")
    page.wait_for_selector("[data-testid=committed]")

    assert RosterImport.objects.latest("pk").accepted_identities == ["2026000002"]
    assert Student.objects.get(student_no="2026000001").name == "学生1"
    assert Student.objects.get(student_no="2026000002").name == "另一人"
    assert AuditEvent.objects.get(action="student.identity_change").actor == registrar
    assert not Check.objects.filter(student__student_no="2026000004").exists()
    assert "已确认写入" in page.get_by_test_id("identity-changes").inner_text()
