"""Each role's main pages at phone (390 px) and desktop (1366 px) width: nothing scrolls
sideways, the student's confirm button is on the first screen, and axe-core finds no
WCAG 2 A/AA violation."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from selfcheck.models import Campaign, Check, CollegePush
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_fits, shoot, sign_in
from tests.factories import PASSWORD, at_hour, make_check, make_student, set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [PHONE, DESKTOP]


@pytest.fixture
def busy_school(campaign, college_a, college_b, student_a, student_b, secretary_a):
    """Students in every status, long names and a finished campaign, as pages meet them."""
    campaign.instructions = "1. 登录学信网，进入“学信档案”—“高等教育信息”—“学籍”。\n2. 逐项核对学籍信息。"
    campaign.office_contact = "学籍科 行政楼 203 室，电话 0571-8800 1234"
    campaign.save()
    secretary_a.first_name, secretary_a.phone, secretary_a.office = "王老师", "0571-8800 2001", "教学楼 101 室"
    secretary_a.save()
    today = timezone.localdate()
    for i, status in enumerate(["pending", "confirmed", "blocked", "missing", "discrepancy", "pending"]):
        student = make_student(college_a, class_name=f"软件工程260{i % 3 + 1}班", major="软件工程（中外合作办学）")
        make_check(campaign, student)
        set_status(student, status, completed=at_hour(today) if status in Check.DONE else None,
                   blocked_reason="phone_taken" if status == "blocked" else "")  # fmt: skip
    old = Campaign.objects.create(
        slug="spring", name="2025级毕业前学籍核查", cohort=campaign.cohort, levels=["bk"], kind="pregrad",
        opens_on=today - timedelta(days=200), closes_on=today - timedelta(days=180), state=Campaign.State.CLOSED,
    )  # fmt: skip
    make_check(old, student_a, status=Check.Status.CONFIRMED)
    CollegePush.objects.create(
        college=college_a, webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", send_at=time(17, 0),
        attempts=1, next_run_at=timezone.now(), last_error="RuntimeError: errcode 93000", last_error_at=timezone.now(),
    )  # fmt: skip
    return campaign


def _visit(page, path: str, width: int, name: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert_fits(page, width)
    shoot(page, f"{name}-{width}")
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_student_pages_fit_put_the_answers_first_and_pass_axe(sized_page, busy_school, student_a, width):
    page = sized_page(width)
    sign_in(page, student_a.student_no, PASSWORD, student=True)
    assert page.url.endswith("/me/")
    _visit(page, "/me/", width, "student-home")
    confirm = page.get_by_test_id("action-confirm")
    box = confirm.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"], "confirm is below the first screen"
    assert page.evaluate("window.scrollY") == 0
    # The record comes after the answers; the finished campaign is one collapsed line.
    record_top = page.get_by_test_id("record").bounding_box()["y"]
    assert record_top > box["y"]
    finished = page.get_by_test_id("finished-campaigns")
    assert finished.get_attribute("open") is None and "2025级毕业前学籍核查" in finished.text_content()
    assert page.get_by_test_id("check-actions").count() == 1
    assert page.get_by_test_id("chsi-link").get_attribute("href").startswith("https://")
    contacts = page.get_by_test_id("contacts").inner_text()
    assert "王老师" in contacts and "0571-8800 2001" in contacts and "教学楼 101 室" in contacts
    assert "行政楼 203 室" in contacts
    _visit(page, "/me/fall/discrepancy/", width, "student-correction-form")
    _visit(page, "/me/fall/blocked/", width, "student-blocked")
    assert "王老师" in page.get_by_test_id("contacts").inner_text()
    # Signing out returns the student to the student sign-in.
    page.goto("/me/")
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/student/login/")
    _visit(page, "/student/login/", width, "student-login")


@pytest.mark.parametrize("width", WIDTHS)
def test_secretary_pages_fit_and_pass_axe(sized_page, busy_school, secretary_a, width):
    page = sized_page(width)
    sign_in(page, secretary_a.username, PASSWORD)
    _visit(page, "/secretary/", width, "secretary-home")
    _visit(page, "/campaigns/fall/colleges/A01/", width, "college-page")
    assert page.get_by_test_id("push-error").is_visible()
    assert page.get_by_test_id("forecast").is_visible()
    _visit(page, "/campaigns/fall/colleges/A01/chase/", width, "college-chase")
    texts = page.get_by_test_id("chase-text").all_inner_texts()
    assert texts and all("学号" not in t and "*" not in t for t in texts)


@pytest.mark.parametrize("width", WIDTHS)
def test_registrar_pages_fit_and_pass_axe(sized_page, busy_school, registrar, width):
    page = sized_page(width)
    sign_in(page, registrar.username, PASSWORD)
    _visit(page, "/registrar/", width, "registrar-home")
    _visit(page, "/campaigns/fall/", width, "campaign-dashboard")
    _visit(page, "/campaigns/fall/students/?q=2026010001", width, "campaign-checks")
    assert page.get_by_test_id("check-row").count() == 1  # 张三 is confirmed: the search still finds him
    _visit(page, "/imports/", width, "imports")
    _visit(page, "/colleges/A01/push/", width, "college-push")
    assert "errcode 93000" in page.get_by_test_id("push-status").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_admissions_and_sign_in_pages_fit_and_pass_axe(sized_page, busy_school, admissions, width):
    page = sized_page(width)
    _visit(page, "/login/", width, "staff-login")
    sign_in(page, admissions.username, PASSWORD)
    _visit(page, "/admissions/", width, "admissions-home")
