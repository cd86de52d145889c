"""The student's pages in a real browser, at phone width."""

import pytest

from selfcheck.models import Check
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_confirms_then_reports_a_wrong_field(page, campaign, student_a):
    campaign.instructions = "第一步：登录学信网\n第二步：逐项核对学籍信息"
    campaign.save()
    sign_in(page, student_a.student_no, PASSWORD, student=True)

    record = page.get_by_test_id("record").inner_text()
    assert student_a.name in record and student_a.masked_id_number in record
    assert student_a.id_number not in page.content()
    assert "第二步：逐项核对学籍信息" in page.get_by_test_id("check-actions").inner_text()
    assert page.get_by_test_id("check-status-badge").inner_text() == "未核对"

    page.get_by_test_id("action-confirm").click()
    page.wait_for_load_state("networkidle")
    assert "已记录：核对无误" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("check-status-badge").inner_text() == "核对无误"
    check = Check.objects.get(student=student_a)
    assert (check.status, check.source) == ("confirmed", "student") and check.completed_at

    # Looking again, the student notices the ethnicity is wrong and files a correction request.
    page.get_by_test_id("action-discrepancy").click()
    submit = "form[data-testid=correction-form] button[type=submit]"
    page.get_by_label("学校录入错误").check()
    page.click(submit)  # nothing ticked yet
    assert "请至少勾选一项" in page.locator(".errorbox").inner_text()
    page.check("input[name=wrong_ethnicity]")
    page.fill("input[name=correct_ethnicity]", "回族")
    page.fill("textarea[name=explanation]", "身份证上为回族")
    page.click(submit)
    page.wait_for_url("**/corrections/*/")
    page.goto("/me/")
    assert page.get_by_test_id("check-status-badge").inner_text() == "信息有误"
    assert "民族应为：回族" in page.get_by_test_id("reported").inner_text()
    check.refresh_from_db()
    assert check.detail["fields"] == {"ethnicity": "回族"} and check.detail["note"] == "身份证上为回族"


def test_a_student_who_cannot_log_in_sees_the_help_and_reports_it(page, campaign, student_a):
    campaign.login_help = "手机号已被注册：在学信网点“找回用户名”\n学籍未关联：登录后手动绑定"
    campaign.save()
    sign_in(page, student_a.student_no, PASSWORD, student=True)
    page.get_by_test_id("action-blocked").click()
    assert "手机号已被注册：在学信网点“找回用户名”" in page.get_by_test_id("login-help").inner_text()
    page.get_by_label("手机号已被注册，无法注册或登录学信网").check()
    page.click("form[data-testid=problem-form] button[type=submit]")
    page.wait_for_url("**/me/")
    assert page.get_by_test_id("check-status-badge").inner_text() == "无法登录（手机号已被注册）"
