"""The import preview in the browser: identity changes, campaign fit, sheet choice, grouped errors."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from selfcheck.demo import resident_id
from selfcheck.models import AuditEvent, Check, RosterImport, Student
from selfcheck.services import roster
from tests.factories import student, table, write_xlsx
from tests.services.roster.test_sheets import INSTRUCTIONS, workbook

pytestmark = pytest.mark.django_db
S = RosterImport.State
BIRTH = date(2006, 3, 4)
TOP_UP = {"层次": "专升本", "入学日期": "2024-09-01", "学制": "2", "预计毕业日期": "2026-06-30"}


def other_person(n):
    return student(n, 姓名="另一人", 出生日期=BIRTH.isoformat(), 证件号码=resident_id("110105", BIRTH, 900 + n, "M"))


def upload(client, capture, campaign, path):
    with capture(execute=True):
        client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster",
                                               "file": SimpleUploadedFile(path.name, path.read_bytes())})  # fmt: skip
    return RosterImport.objects.latest("pk")


@pytest.fixture
def staff(client, registrar, tmp_path, campaign, college_a):
    client.force_login(registrar)
    roster.roster_import_run(write_xlsx(tmp_path / "first.xlsx", table([student(1), student(2)])), campaign=campaign)
    return client


def test_identity_changes_have_their_own_section_and_are_accepted_one_by_one(
    staff, tmp_path, campaign, django_capture_on_commit_callbacks
):
    path = write_xlsx(tmp_path / "second.xlsx", table([other_person(1), other_person(2), student(3)]))
    record = upload(staff, django_capture_on_commit_callbacks, campaign, path)
    page = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert 'data-testid="identity-changes"' in page and page.count('data-testid="accept-identity"') == 2
    assert 'form="confirm-form"' in page and "另一人" in page and "学生1" in page
    assert 'data-testid="changes"' not in page  # not among the ordinary changes
    new_id = resident_id("110105", BIRTH, 901, "M")
    assert new_id not in page and "*" * 14 + new_id[-4:] in page  # ID numbers masked
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("import_confirm", args=[record.pk]), {"accept_identity": ["2026000001"]})
    record.refresh_from_db()
    assert record.state == S.COMMITTED and record.accepted_identities == ["2026000001"]
    assert Student.objects.get(student_no="2026000001").name == "另一人"
    assert Student.objects.get(student_no="2026000002").name == "学生2"
    assert AuditEvent.objects.filter(action="student.identity_change").count() == 1
    after = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert "已确认写入" in after and "未写入" in after and 'name="accept_identity"' not in after


def test_rows_outside_the_campaign_are_a_grouped_warning_with_a_checkbox(
    staff, tmp_path, campaign, django_capture_on_commit_callbacks
):
    rows = [student(3), student(4, **TOP_UP), student(5, **TOP_UP)]
    record = upload(staff, django_capture_on_commit_callbacks, campaign, write_xlsx(tmp_path / "s.xlsx", table(rows)))
    page = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert 'data-testid="outside"' in page and "2024 级 专升本：<strong>2</strong>" in page
    assert 'data-testid="include-outside"' in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("import_confirm", args=[record.pk]), {"include_outside": "on"})
    record.refresh_from_db()
    assert record.state == S.COMMITTED and record.include_outside
    assert Check.objects.filter(campaign=campaign).count() == 5


def test_rows_outside_stay_out_unless_ticked(staff, tmp_path, campaign, django_capture_on_commit_callbacks):
    rows = [student(3), student(4, **TOP_UP)]
    record = upload(staff, django_capture_on_commit_callbacks, campaign, write_xlsx(tmp_path / "s.xlsx", table(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("import_confirm", args=[record.pk]))
    assert Check.objects.filter(campaign=campaign).count() == 3
    page = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert "未纳入本活动的核对名单" in page


def test_the_preview_names_the_sheet_and_offers_the_others(
    staff, tmp_path, campaign, django_capture_on_commit_callbacks
):
    path = workbook(tmp_path / "w.xlsx", [
        ("说明", INSTRUCTIONS, False), ("一班", table([student(3)]), False), ("二班", table([student(4)]), False),
    ])  # fmt: skip
    record = upload(staff, django_capture_on_commit_callbacks, campaign, path)
    page = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert 'data-testid="sheet">一班<' in page and 'data-testid="sheet-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("import_sheet", args=[record.pk]), {"sheet": "二班"})
    record.refresh_from_db()
    assert record.state == S.VALIDATED and record.sheet == "二班" and record.sheet_override == "二班"
    assert record.preview["sheet"] == "二班" and record.created_count == 1
    bad = staff.post(reverse("import_sheet", args=[record.pk]), {"sheet": "三班"}, follow=True)
    assert "请选择文件中的一个工作表" in bad.content.decode()


def test_identical_errors_show_as_one_group_with_a_count(staff, tmp_path, campaign, django_capture_on_commit_callbacks):
    rows = [student(n, 学院="不存在的学院") for n in range(3, 40)]
    record = upload(staff, django_capture_on_commit_callbacks, campaign, write_xlsx(tmp_path / "e.xlsx", table(rows)))
    page = staff.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert page.count('data-testid="error-row"') == 1 and 'data-testid="error-count">37<' in page
    assert "下方" not in page.split('data-testid="errors"')[1]
