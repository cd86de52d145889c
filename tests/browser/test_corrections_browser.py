"""The whole correction journey in Chromium at phone width: a student files with a photo,
the secretary passes it on, the registrar asks admissions, admissions confirms, the
registrar approves, the province's reference is recorded, the change is applied and the
student sees it in their history."""

import pytest

from selfcheck.models import Check, CorrectionRequest, Student, StudentChange
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, settings):
    """A new phone-sized browser for each person."""
    settings.LANGUAGE_CODE = "zh-hans"
    contexts = []

    def open_as(username, *, student=False):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username, PASSWORD, student=student)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _step(page, action, text=""):
    form = page.get_by_test_id(f"step-{action}")
    if text:
        form.locator("textarea[name=text]").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_a_correction_goes_from_the_student_to_the_record(
    phone, campaign, student_a, secretary_a, registrar, admissions, tmp_path
):
    photo = tmp_path / "身份证.png"
    photo.write_bytes(png_bytes(120, 80))

    student = phone(student_a.student_no, student=True)
    student.get_by_test_id("action-discrepancy").click()
    student.wait_for_load_state("networkidle")
    assert _fits(student)
    submit = "form[data-testid=correction-form] button[type=submit]"
    student.fill("input[name=correct_name]", "张叁")  # typed without ticking the box
    student.click(submit)
    assert "没有勾选" in student.get_by_test_id("error-name").inner_text()
    student.check("input[name=wrong_name]")
    student.get_by_label("录取信息与户籍信息不符").check()
    student.fill("textarea[name=explanation]", "录取时姓名录错")
    student.click(submit)
    assert "身份证或户口簿" in student.get_by_test_id("error-files").inner_text()
    student.select_option("select[name=evidence_kind]", "id_card")
    student.set_input_files("input[name=files]", str(photo))
    student.click(submit)
    student.wait_for_url("**/corrections/*/")
    assert student.get_by_test_id("correction-state").inner_text() == "已提交"
    assert "张三" in student.get_by_test_id("correction-items").inner_text()
    assert "身份证.png" in student.get_by_test_id("evidence").inner_text()
    assert _fits(student)
    correction = CorrectionRequest.objects.get(student=student_a)
    assert Check.objects.get(student=student_a).status == Check.Status.DISCREPANCY

    secretary = phone(secretary_a.username)
    secretary.goto("/corrections/")
    assert _fits(secretary)
    secretary.get_by_test_id(f"queue-link-{correction.pk}").click()
    _step(secretary, "review", "已核对身份证")
    assert secretary.get_by_test_id("correction-state").inner_text() == "学院已审核"

    office = phone(registrar.username)
    office.goto(f"/corrections/{correction.pk}/")
    _step(office, "forward", "请核实录取数据")
    assert office.get_by_test_id("correction-state").inner_text() == "已转招生办"

    answers = phone(admissions.username)
    assert answers.get_by_test_id("correction-count-forwarded").inner_text().startswith("1")
    answers.get_by_role("link", name=f"#{correction.pk} 张三").click()
    answers.select_option("select[name=answer]", "confirmed")
    _step(answers, "answer", "录取库为张叁")
    assert answers.get_by_test_id("correction-state").inner_text() == "招生办已答复"

    office.reload()
    assert "情况属实" in office.get_by_test_id("admissions-answer").inner_text()
    _step(office, "approve")
    _step(office, "submit_province")
    assert office.get_by_test_id("correction-state").inner_text() == "待省级审批"
    office.get_by_test_id("step-apply").locator("input[name=reference]").fill("省教学籍〔2026〕7号")
    _step(office, "apply")
    assert office.get_by_test_id("correction-state").inner_text() == "已更正"
    assert Student.objects.get(pk=student_a.pk).name == "张叁"
    assert StudentChange.objects.filter(student=student_a, field="name", new_value="张叁").exists()

    student.goto("/me/")
    assert "姓名：张三 → 张叁" in student.get_by_test_id("change-history").inner_text()
    assert student.get_by_test_id("my-correction-state").inner_text() == "已更正"
    assert student.get_by_test_id("check-status-badge").inner_text() == "核对无误（已更正）"
    assert _fits(student)
