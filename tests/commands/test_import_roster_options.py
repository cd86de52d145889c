"""``import_roster``: identity changes, campaign fit, sheets and college mapping from the command line."""

from datetime import date

import pytest

from selfcheck.demo import resident_id
from selfcheck.models import AuditEvent, Check, College, CollegeAlias, Student
from tests.commands.test_import_roster import command
from tests.factories import student, table, write_xlsx
from tests.services.roster.test_sheets import INSTRUCTIONS, workbook

pytestmark = pytest.mark.django_db
BIRTH = date(2006, 3, 4)


def other_person(n):
    return student(n, 姓名="另一人", 出生日期=BIRTH.isoformat(), 证件号码=resident_id("110105", BIRTH, 900 + n, "M"))


@pytest.fixture
def imported(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "first.xlsx", table([student(1), student(2)]))
    assert command(str(path), "--campaign", campaign.slug, "--json")[0] == 0


def test_identity_changes_are_listed_not_written_and_exit_1(tmp_path, campaign, imported):
    path = write_xlsx(tmp_path / "second.xlsx", table([other_person(1), student(2, 专业="数据科学")]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 1 and result["committed"] is True and result["updated"] == 1
    assert result["identity_changes"] == [
        {"row": 2, "student_no": "2026000001", "fields": ["name", "id_number", "birth_date"]}
    ]
    assert Student.objects.get(student_no="2026000001").name == "学生1"
    status, text, _ = command(str(path), "--campaign", campaign.slug)
    assert status == 1 and "--accept-identity-changes" in text


def test_accept_identity_changes_writes_them_and_exits_0(tmp_path, campaign, imported):
    path = write_xlsx(tmp_path / "second.xlsx", table([other_person(1), student(2)]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--accept-identity-changes")
    assert status == 0 and result["identity_changes"] == [] and result["updated"] == 1
    assert Student.objects.get(student_no="2026000001").name == "另一人"
    assert AuditEvent.objects.filter(action="student.identity_change").count() == 1


def test_rows_outside_the_campaign_are_reported_and_included_on_request(tmp_path, campaign, college_a):
    top_up = {"层次": "专升本", "入学日期": "2024-09-01", "学制": "2", "预计毕业日期": "2026-06-30"}
    path = write_xlsx(tmp_path / "r.xlsx", table([student(1), student(2, **top_up)]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 0 and result["outside_campaign"] == {
        "rows": 1, "included": False, "groups": [{"cohort": 2024, "level": "zsb", "count": 1}],
    }  # fmt: skip
    assert Check.objects.count() == 1
    status, text, _ = command(str(path), "--campaign", campaign.slug, "--include-outside")
    assert status == 0 and "活动范围外：2024级 专升本 1 行，已纳入本活动" in text
    assert Check.objects.count() == 2


def test_sheet_picks_a_sheet_by_name(tmp_path, campaign, college_a):
    path = workbook(tmp_path / "w.xlsx", [
        ("说明", INSTRUCTIONS, False), ("一班", table([student(1)]), False), ("二班", table([student(2)]), False),
    ])  # fmt: skip
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--sheet", "二班")
    assert status == 0 and result["sheet"] == "二班"
    assert list(Student.objects.values_list("student_no", flat=True)) == ["2026000002"]
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--sheet", "三班")
    assert status == 2 and "三班" not in result["errors"][0]["message"] and "一班" in result["errors"][0]["message"]


def test_map_college_does_what_the_preview_mapping_does(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "r.xlsx", table([student(1, 学院="计算机系"), student(2, 学院="新学院")]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 1 and result["invalid"] == 2
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json",
                                "--map-college", f"计算机系={college_a.code}", "--map-college", "新学院=N09")  # fmt: skip
    assert status == 2 and "--create-colleges" in result["errors"][0]["message"]
    assert not CollegeAlias.objects.exists()
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--dry-run", "--create-colleges",
                                "--map-college", f"计算机系={college_a.code}", "--map-college", "新学院=N09")  # fmt: skip
    assert status == 0 and result["created"] == 2
    assert not CollegeAlias.objects.exists() and not College.objects.filter(code="N09").exists()
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--create-colleges",
                                "--map-college", f"计算机系={college_a.code}", "--map-college", "新学院=N09")  # fmt: skip
    assert status == 0 and result["committed"] and result["created"] == 2
    assert CollegeAlias.objects.filter(name="计算机系", college=college_a).exists()
    assert Student.objects.get(student_no="2026000002").college.code == "N09"
    assert AuditEvent.objects.filter(action__in=["college.alias_add", "college.create"]).count() == 2


def test_a_malformed_mapping_is_refused(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "r.xlsx", table([student(1)]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--map-college", "计算机系")
    assert status == 2 and "名称=代码" in result["errors"][0]["message"]
