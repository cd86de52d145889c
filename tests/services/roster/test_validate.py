"""Every validation rule of the roster import, each with a small file built in code.

Checks run through ``roster_import_run(dry_run=True)``: the same reading, checking
and comparing the web flow and the command line use, with nothing written.
"""

from datetime import date, timedelta

import pytest
from stdnum.cn import ric

from selfcheck.demo import resident_id
from selfcheck.models import CollegeAlias, Student
from selfcheck.services.roster import roster_import_run
from tests.factories import HEADER, make_student, student, table, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def check(tmp_path, rows, campaign, *, titles=(), name="roster.xlsx", **options):
    path = tmp_path / name
    if name.endswith(".csv"):
        write_csv(path, rows)
    else:
        write_xlsx(path, rows, titles=titles)
    return roster_import_run(path, campaign=campaign, dry_run=True, **options)


def problems(outcome, row=None):
    return [(p.row, p.column, p.message) for p in outcome.errors if row is None or p.row == row]


def test_a_clean_file_has_no_errors(tmp_path, campaign, college_a):
    outcome = check(tmp_path, table([student(1), student(2, gender="F")]), campaign)
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.invalid) == (2, 0, 0, 0)
    assert outcome.errors == [] and outcome.header_row == 1 and not outcome.committed
    assert not Student.objects.exists()


def test_a_missing_required_column_is_one_error_naming_its_spellings(tmp_path, campaign, college_a):
    header = [h for h in HEADER if h != "证件号码"]
    outcome = check(tmp_path, table([student(1)], header), campaign)
    assert outcome.refused
    assert len(outcome.errors) == 1
    error = outcome.errors[0]
    assert error.column == "证件号码" and error.row == 1
    assert "缺少必需的列“证件号码”" in error.message
    for spelling in ("SFZH", "身份证号", "id_number"):
        assert spelling in error.message


def test_the_header_row_is_found_below_title_rows(tmp_path, campaign, college_a):
    outcome = check(
        tmp_path, table([student(1)]), campaign, titles=[["XX大学2026级新生名册"], ["制表日期：2026-09-10"], []]
    )
    assert outcome.header_row == 4 and outcome.created == 1 and not outcome.errors


def test_a_file_without_a_header_row_is_refused(tmp_path, campaign, college_a):
    outcome = check(tmp_path, [["随便", "什么"], ["1", "2"]], campaign)
    assert outcome.refused and "未找到表头行" in outcome.refused


def test_headers_in_chsi_codes_english_and_full_width(tmp_path, campaign, college_a):
    codes = [
        "ＸＨ",
        "KSH",
        "xm",
        "XB",
        "CSRQ",
        "MZ",
        "证件类型",
        "sfzh",
        "FY",
        "ZYMC",
        "ZYDM",
        "BH",
        "CC",
        "XZ",
        "RXRQ",
        "YJBYRQ",
    ]
    english = ["Student No", "Exam No", "Name", "Gender", "Date of Birth", "Ethnicity", "ID Type", "ID Number",
               "College", "Major", "Major Code", "Class", "Level", "Duration", "Enrollment Date", "Expected Graduation"]  # fmt: skip
    spaced = [f" {h[0]} {h[1:]}\u3000" for h in HEADER]
    for header in (codes, english, spaced):
        rows = [header] + table([student(1)])[1:]
        outcome = check(tmp_path, rows, campaign)
        assert (outcome.created, outcome.errors) == (1, []), header


def test_a_blank_required_cell_names_its_row_and_column(tmp_path, campaign, college_a):
    outcome = check(tmp_path, table([student(1), student(2, 姓名="  "), student(3, 学制="")]), campaign)
    assert problems(outcome) == [(3, "姓名", "姓名不能为空"), (4, "学制", "学制不能为空")]
    assert outcome.invalid == 2 and outcome.created == 1


def test_a_wrong_check_digit_is_an_error(tmp_path, campaign, college_a):
    good = resident_id("110105", date(2007, 5, 12), 1, "M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    outcome = check(tmp_path, table([student(1, 证件号码=bad)]), campaign)
    assert problems(outcome) == [(2, "证件号码", "居民身份证号码校验位错误")]


def test_an_impossible_birth_date_inside_the_id_is_an_error(tmp_path, campaign, college_a):
    body = "110105" + "20070230" + "001"
    number = body + ric.calc_check_digit(body + "0")
    outcome = check(tmp_path, table([student(1, 证件号码=number)]), campaign)
    assert problems(outcome) == [(2, "证件号码", "居民身份证号码中的出生日期无效")]


def test_a_birth_date_in_the_future_is_an_error(tmp_path, campaign, college_a):
    future = date.today() + timedelta(days=400)
    number = resident_id("110105", future, 1, "M")
    outcome = check(tmp_path, table([student(1, 证件号码=number, 出生日期=future.isoformat())]), campaign)
    messages = [m for _, _, m in problems(outcome)]
    assert "居民身份证号码中的出生日期晚于今天" in messages


def test_an_unknown_area_code_is_a_warning_not_an_error(tmp_path, campaign, college_a):
    outcome = check(tmp_path, table([student(1, area="999999")]), campaign)
    assert outcome.errors == [] and outcome.created == 1
    assert [(w.row, w.column) for w in outcome.warnings] == [(2, "证件号码")]
    assert "地区码未知（999999）" in outcome.warnings[0].message


def test_birth_date_and_gender_must_agree_with_the_id(tmp_path, campaign, college_a):
    rows = [student(1, 出生日期="2007-05-13"), student(2, 性别="女")]
    outcome = check(tmp_path, table(rows), campaign)
    assert problems(outcome) == [
        (2, "出生日期", "出生日期 2007-05-13 与身份证号码中的 2007-05-12 不一致"),
        (3, "性别", "性别与身份证号码（第17位）不一致"),
    ]


def test_an_id_number_excel_turned_into_a_number_is_refused_with_advice(tmp_path, campaign, college_a):
    rows = table([student(1)])
    rows[1][7] = int(rows[1][7]) if rows[1][7].isdigit() else 110105200705120011
    outcome = check(tmp_path, rows, campaign)
    [(row, column, message)] = problems(outcome)
    assert (row, column) == (2, "证件号码")
    assert "数字格式" in message and "文本" in message


def test_lower_case_x_and_full_width_digits_in_an_id_are_accepted(tmp_path, campaign, college_a):
    number = next(
        resident_id("110105", date(2007, 5, 12), n, "M")
        for n in range(500)
        if resident_id("110105", date(2007, 5, 12), n, "M").endswith("X")
    )
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number[:-1]) + "x"
    outcome = check(tmp_path, table([student(1, 证件号码=wide)]), campaign)
    assert outcome.errors == [] and outcome.created == 1


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [("港澳居民来往内地通行证", "H12345678", True), ("港澳居民来往内地通行证", "X1234", False),
     ("台湾居民来往大陆通行证", "12345678", True), ("台胞证", "1234", False),
     ("港澳台居民居住证", "810000199001011230", True), ("港澳台居民居住证", "810000199001011234", False),
     ("香港特区护照/身份证明", "A123456(3)", True), ("香港特区身份证明", "A1234564", False),
     ("香港特区护照", "K12345678", True), ("澳门特区护照/身份证明", "1234567(8)", True),
     ("澳门特区护照/身份证明", "9234567", False), ("澳门特区护照", "MA1234567", True),
     ("护照", "E12345678", True), ("护照", "E1", False)],
)  # fmt: skip
def test_hong_kong_macau_and_taiwan_permits_follow_their_formats(tmp_path, campaign, college_a, kind, number, ok):
    outcome = check(tmp_path, table([student(1, 证件类型=kind, 证件号码=number)]), campaign)
    assert (outcome.created == 1) is ok
    if not ok:
        assert problems(outcome)[0][1] == "证件号码"


def test_every_copy_of_a_repeated_student_no_is_invalid(tmp_path, campaign, college_a):
    rows = [student(1), student(2, 学号="2026000001"), student(3)]
    outcome = check(tmp_path, table(rows), campaign)
    assert outcome.invalid == 2 and outcome.created == 1
    assert problems(outcome) == [
        (2, "学号", "学号 2026000001 在文件中出现多次（另见第 3 行）"),
        (3, "学号", "学号 2026000001 与第 2 行重复"),
    ]


def test_a_repeated_id_number_within_the_file_is_invalid(tmp_path, campaign, college_a):
    first = student(1)
    outcome = check(tmp_path, table([first, student(2, 证件号码=first["证件号码"])]), campaign)
    assert outcome.invalid == 2
    assert {(row, column) for row, column, _ in problems(outcome)} == {(2, "证件号码"), (3, "证件号码")}


def test_an_id_number_held_by_another_stored_student_is_invalid(tmp_path, campaign, college_a):
    other = make_student(college_a, student_no="2025999999", name="王五", birth=date(2007, 5, 12))
    another = make_student(college_a, student_no="2025999998", name="赵六", birth=date(2007, 5, 12))
    rows = [student(1, 证件号码=other.id_number), student(2, 证件号码=another.id_number, 姓名="")]
    outcome = check(tmp_path, table(rows), campaign)
    assert problems(outcome) == [
        (2, "证件号码", "证件号码已属于另一名学生（学号 2025999999，王五）"),
        (3, "姓名", "姓名不能为空"),
        (3, "证件号码", "证件号码已属于另一名学生（学号 2025999998，赵六）"),
    ]


def test_a_stored_student_with_the_same_student_no_is_an_update_not_a_duplicate(tmp_path, campaign, college_a):
    row = student(1)
    make_student(college_a, student_no=row["学号"], name="旧名字", birth=date(2007, 5, 12), id_number=row["证件号码"])
    outcome = check(tmp_path, table([row]), campaign)
    assert (outcome.created, outcome.updated, outcome.errors) == (0, 1, [])
    [change] = outcome.preview["changes"]
    assert {"label": "姓名", "old": "旧名字", "new": "学生1"} in change["fields"]


def test_an_unknown_college_is_an_error_listed_for_mapping(tmp_path, campaign, college_a):
    outcome = check(
        tmp_path, table([student(1, 学院="人工智能学院"), student(2, 学院="人工智能学院"), student(3)]), campaign
    )
    assert outcome.invalid == 2
    assert problems(outcome, 2)[0][1:] == ("学院", "学院“人工智能学院”不存在")
    assert outcome.preview["unknown_colleges"] == [{"name": "人工智能学院", "rows": 2}]


def test_colleges_match_by_alias_code_and_spacing(tmp_path, campaign, college_a):
    CollegeAlias.objects.create(college=college_a, name="计科院")
    rows = [student(1, 学院="计科院"), student(2, 学院="A01"), student(3, 学院=" 计算机 学院 ")]
    outcome = check(tmp_path, table(rows), campaign)
    assert outcome.errors == [] and outcome.created == 3


def test_every_date_form_and_value_variant_in_one_file(tmp_path, campaign, college_a):
    rows = [
        student(1, 出生日期="2007.05.12", 入学日期="2026/9/1", 学制="4年", 层次="本科", 性别="男性"),
        student(2, 出生日期="20070512", 入学日期="20260901", 学制="1.5", 层次="专科（高职）"),
        student(3, 出生日期="2007年5月12日", 学制="四年", 层次="专升本", 证件类型="身份证"),
        student(4, 出生日期=date(2007, 5, 12), 入学日期=date(2026, 9, 1), 学制=4),
    ]
    outcome = check(tmp_path, table(rows), campaign)
    assert outcome.errors == [] and outcome.created == 4


def test_a_csv_is_checked_the_same_way(tmp_path, campaign, college_a):
    outcome = check(tmp_path, table([student(1), student(2, 性别="?")]), campaign, name="roster.csv")
    assert outcome.encoding == "utf-8"
    assert problems(outcome) == [(3, "性别", "无法识别的性别“?”（可用：男、女）")]


def test_a_repeated_header_row_is_skipped_with_a_warning(tmp_path, campaign, college_a):
    rows = table([student(1)]) + [list(HEADER)] + table([student(2)])[1:]
    outcome = check(tmp_path, rows, campaign)
    assert outcome.created == 2 and outcome.errors == []
    assert any("重复了表头" in w.message for w in outcome.warnings)


def test_errors_are_counted_all_but_kept_only_up_to_a_bound(tmp_path, campaign, college_a, monkeypatch):
    from selfcheck.services.roster import limits

    monkeypatch.setattr(limits, "MAX_PROBLEMS", 3)
    outcome = check(tmp_path, table([student(n, 性别="?") for n in range(1, 6)]), campaign)
    assert outcome.invalid == 5 and len(outcome.errors) == 3
    assert outcome.preview["errors_total"] == 5


def test_an_id_whose_last_digits_excel_zeroed_in_a_csv_gets_a_hint(tmp_path, campaign, college_a):
    number = student(1)["证件号码"]
    zeroed = number[:15] + "000"
    assert zeroed != number
    outcome = check(tmp_path, table([student(1, 证件号码=zeroed)]), campaign, name="roster.csv")
    [(_, column, message)] = problems(outcome)
    assert column == "证件号码" and "校验位错误" in message and "文本格式" in message
