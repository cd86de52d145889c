"""A secretary's college page in a real browser: chase, export, set on behalf."""

import io

import pytest
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Check
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_check, make_student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_chases_pending_students_exports_them_and_sets_one_on_behalf(
    page, campaign, college_a, college_b, secretary_a, student_a, student_b
):
    done = make_student(college_a, name="赵一", class_name="软件2602", phone="13900000001")
    make_check(campaign, done, status=Check.Status.CONFIRMED)
    late = make_student(college_a, name="钱二", class_name="软件2602", phone="13900000002")
    make_check(campaign, late)

    sign_in(page, secretary_a.username, PASSWORD)
    assert "外国语学院" not in page.get_by_test_id("colleges").inner_text()
    page.get_by_role("link", name="计算机学院").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("stat-total").inner_text() == "3"
    assert page.get_by_test_id("trend-chart").is_visible()

    rows = page.get_by_test_id("check-list").inner_text()
    assert "张三" in rows and "钱二" in rows and "13900000002" in rows and "软件2602" in rows
    assert "赵一" not in rows and "李四" not in rows  # done, and of another college

    page.get_by_test_id("search").fill("钱")
    page.click("form[data-testid=filters] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("check-row").count() == 1

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    values = [[str(v) for v in row] for row in workbook.active.iter_rows(values_only=True)]
    assert [row[1] for row in values[1:]] == ["钱二"]
    assert values[1][5] == late.masked_id_number and values[1][6] == "13900000002"
    assert late.id_number not in str(values)

    # 钱二 confirmed by phone: the secretary records it with a reason.
    page.get_by_role("link", name=late.student_no).click()
    page.select_option("select[name=status]", "confirmed")
    page.fill("textarea[name=reason]", "电话确认已在学信网核对无误")
    page.click("form[data-testid=on-behalf] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已将 钱二 的核对状态设为“核对无误”" in page.locator(".messages").inner_text()
    assert "电话确认已在学信网核对无误" in page.get_by_test_id("history").inner_text()
    check = Check.objects.get(student=late)
    assert (check.status, check.source, check.set_by) == ("confirmed", "secretary", secretary_a)
    assert AuditEvent.objects.filter(action="check.set_status", actor=secretary_a).count() == 1

    page.goto(f"/campaigns/{campaign.slug}/colleges/{college_a.code}/")
    assert "钱二" not in page.get_by_test_id("check-list").inner_text()
    assert page.get_by_test_id("stat-done").inner_text() == "2"
