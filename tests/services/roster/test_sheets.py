"""Any workbook: the header is looked for on every visible sheet, the best one is read."""

import pytest
from openpyxl import Workbook

from selfcheck.models import Student
from selfcheck.services import roster
from tests.factories import student, table

pytestmark = pytest.mark.django_db


def workbook(path, sheets: list[tuple[str, list[list], bool]]):
    """Sheets as (title, rows, hidden)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, hidden in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


INSTRUCTIONS = [["填表说明"], ["1. 学号、姓名、证件号码必填"], ["2. 日期写成 2006-05-12"]]


def test_the_roster_on_a_later_sheet_is_found_and_named(tmp_path, campaign, college_a):
    path = workbook(tmp_path / "school.xlsx", [
        ("说明", INSTRUCTIONS, False), ("名册", table([student(1), student(2)]), False),
    ])  # fmt: skip
    outcome = roster.roster_import_run(path, campaign=campaign)
    assert outcome.committed and outcome.created == 2
    assert outcome.preview["sheet"] == "名册" and outcome.preview["sheets"] == ["说明", "名册"]
    assert outcome.as_json()["sheet"] == "名册"


def test_the_sheet_naming_most_columns_wins_and_hidden_sheets_are_skipped(tmp_path, campaign, college_a):
    partial = [["学号", "姓名", "性别"], ["2026000099", "某人", "男"]]
    path = workbook(tmp_path / "school.xlsx", [
        ("汇总", partial, False), ("旧名册", table([student(7)]), True), ("名册", table([student(1)]), False),
    ])  # fmt: skip
    outcome = roster.roster_import_run(path, campaign=campaign, dry_run=True)
    assert outcome.preview["sheet"] == "名册" and outcome.created == 1
    assert "旧名册" not in outcome.preview["sheets"]


def test_a_named_sheet_is_read_and_an_unknown_name_is_refused(tmp_path, campaign, college_a):
    path = workbook(tmp_path / "two.xlsx", [
        ("一班", table([student(1)]), False), ("二班", table([student(2), student(3)]), False),
    ])  # fmt: skip
    assert roster.roster_import_run(path, campaign=campaign, dry_run=True).preview["sheet"] == "一班"
    outcome = roster.roster_import_run(path, campaign=campaign, sheet="二班")
    assert outcome.created == 2 and set(Student.objects.values_list("student_no", flat=True)) == {
        "2026000002", "2026000003",
    }  # fmt: skip
    refused = roster.roster_import_run(path, campaign=campaign, sheet="三班")
    assert refused.refused == "文件中没有指定的工作表（可选的工作表：一班、二班）。"


def test_a_workbook_without_a_header_anywhere_is_refused_with_the_reason(tmp_path, campaign, college_a):
    path = workbook(tmp_path / "none.xlsx", [("说明", INSTRUCTIONS, False), ("空", [["备注"]], False)])
    outcome = roster.roster_import_run(path, campaign=campaign)
    assert outcome.refused.startswith("未找到表头行") and "未隐藏的工作表" in outcome.refused
