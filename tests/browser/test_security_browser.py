"""In Chromium: the Content-Security-Policy blocks nothing the portal needs, and the
forgotten-password path works on a phone."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from selfcheck.models import Campaign
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import make_check, make_student

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SELFCHECK_SHOTS", "test-artifacts/screenshots"))


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


@pytest.fixture
def school(campaign, college_a, student_a, student_b):
    for n in range(6):
        student = make_student(college_a, class_name=f"软件260{n % 2}")
        make_check(campaign, student, status="confirmed" if n % 2 else "pending")
    return campaign


def test_main_pages_raise_no_policy_violation(page, school, registrar, secretary_a, student_a):
    violations = watch_csp(page)
    for url in ("/login/", "/student/login/", "/student/activate/", "/student/reset/"):
        page.goto(url)
    sign_in(page, "registrar", PASSWORD)
    for url in (
        "/registrar/",
        f"/campaigns/{school.slug}/",
        f"/campaigns/{school.slug}/colleges/{student_a.college.code}/",
        "/imports/",
        "/lockouts/",
        "/reset-codes/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert "no-store" in response.headers["cache-control"]
        if url in ("/lockouts/", "/reset-codes/", f"/campaigns/{school.slug}/"):
            name = url.strip("/").replace("/", "-")
            for width in (1366, 390):
                page.set_viewport_size({"width": width, "height": 900})
                shoot(page, f"{name}-{width}")
            page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/campaigns/{school.slug}/")
    assert page.locator("svg").count() >= 2  # the server-drawn charts are there
    assert page.locator(".ratebar svg rect").count() >= 1
    # The confirm dialog now comes from site.js: dismissing it keeps the campaign open.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("close-campaign").click()
    school.refresh_from_db()
    assert school.state == Campaign.State.OPEN
    # The language menu submits itself through site.js.
    page.select_option("select[name=language]", "en")
    # The menu submits itself; wait for the new page rather than for a quiet network.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_a_student_gets_back_in_with_a_code_from_the_secretary(browser, live_server, secretary_a, student_a):
    desk = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 900})
    phone = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        staff = desk.new_page()
        violations = watch_csp(staff)
        sign_in(staff, "sec-a", PASSWORD)
        staff.goto("/reset-codes/")
        staff.fill("input[name=student_no]", student_a.student_no)
        staff.click("main button[type=submit]")
        code = staff.locator("[data-testid=issued-code] .code").inner_text()
        assert len(code) == 10
        shoot(staff, "reset-code-issued-1366")

        student = phone.new_page()
        violations += watch_csp(student)
        student.goto("/student/login/")
        shoot(student, "student-login-390")
        student.get_by_role("link", name="用学院发放的重置码设置新密码").click()
        student.fill("input[name=student_no]", student_a.student_no)
        student.fill("input[name=code]", code.lower())
        student.fill("input[name=password1]", "Phone-new-2026")
        student.fill("input[name=password2]", "Phone-new-2026")
        shoot(student, "reset-code-redeem-390")
        student.click("main button[type=submit]")
        student.wait_for_url("**/me/")
        assert "新密码已设置" in student.locator(".messages").inner_text()
        width = student.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert violations == []
    finally:
        desk.close()
        phone.close()
