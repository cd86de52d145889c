"""Each role signs in through the real pages in Chromium and lands on its home page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("who", "heading"),
    [("registrar", "核查活动"), ("secretary_a", "我的学院"), ("admissions", "转招生办的更正申请")],
)
def test_staff_sign_in_and_see_their_home(page, request, who, heading, student_a):
    user = request.getfixturevalue(who)
    sign_in(page, user.username, PASSWORD)
    assert page.locator("h1").first.inner_text() == heading
    who_text = page.get_by_test_id("who").inner_text()
    assert user.username in who_text


def test_student_signs_in_and_sees_the_record_masked(page, student_a):
    sign_in(page, student_a.student_no, PASSWORD, student=True)
    record = page.get_by_test_id("record")
    assert student_a.name in record.inner_text()
    assert student_a.masked_id_number in record.inner_text()
    assert student_a.id_number not in page.content()


def test_a_new_student_proves_identity_then_lands_on_the_record(page, college_a, campaign):
    from tests.factories import make_student

    student = make_student(college_a, student_no="2026017777", name="钱七")
    page.goto("/student/activate/")
    page.fill("input[name=student_no]", student.student_no)
    page.fill("input[name=id_number]", student.id_number[:-2] + "00")
    page.fill("input[name=name]", student.name)
    page.fill("input[name=password1]", "Campus-2026-ok")
    page.fill("input[name=password2]", "Campus-2026-ok")
    page.click("button[type=submit]")
    assert "不匹配" in page.locator(".errorbox").inner_text()
    page.fill("input[name=id_number]", student.id_number)
    page.fill("input[name=password1]", "Campus-2026-ok")
    page.fill("input[name=password2]", "Campus-2026-ok")
    page.click("button[type=submit]")
    page.wait_for_url("**/me/")
    assert student.name in page.get_by_test_id("record").inner_text()


def test_pages_are_chinese_and_english_is_one_click_away(page, registrar):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.select_option("select[name=language]", "en")
    # The menu submits itself; wait for the new page rather than for a quiet network.
    expect(page.locator("html")).to_have_attribute("lang", "en")
