"""Cell values as people type them, normalised: spaces, full-width forms, dates, codes."""

from datetime import date
from decimal import Decimal

import pytest

from selfcheck.services.roster import normalize as n
from selfcheck.services.roster.headers import ROSTER_COLUMNS, header_key
from selfcheck.text import normalize_text


@pytest.mark.parametrize(
    "value",
    [
        "  张三 ",
        "\u3000张三\u3000",
        "ＡＢＣ１２３",
        "２００６－０５－１２",
        "\u00a0x\u2002y\u2003",
        "a\u200bb",
        "ｅｍａｉｌ＠ｘ．ｃｎ",
        "plain",
    ],
)
def test_clean_folds_like_normalize_text(value):
    assert n.clean(value) == normalize_text(value)


def test_clean_turns_spreadsheet_numbers_into_their_digits():
    assert n.clean(2026010001.0) == "2026010001"
    assert n.clean(4.5) == "4.5"
    assert n.clean(None) == ""


@pytest.mark.parametrize(
    "raw",
    ["2006-05-12", "2006.05.12", "2006/5/12", "2006/05/12", "20060512", "2006年5月12日", " ２００６－０５－１２ ",
     "2006-05-12T00:00:00", "2006-05-12 00:00:00", 20060512.0, 38849.0],
)  # fmt: skip
def test_every_date_form_reads_the_same_day(raw):
    assert n.parse_date(raw) == date(2006, 5, 12)


@pytest.mark.parametrize("raw", ["2006-02-30", "12/05/2006", "昨天", "2006-13-01", "20061340", 123456789.0])
def test_a_date_that_is_not_one_is_an_error(raw):
    with pytest.raises(n.CellError) as caught:
        n.parse_date(raw)
    assert "日期" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("男", "M"), ("女", "F"), (" 男性 ", "M"), ("女生", "F"), ("M", "M"), ("female", "F"), (1.0, "M"), ("２", "F")],
)
def test_gender_variants(raw, expected):
    assert n.gender(raw) == expected


def test_an_unknown_gender_is_an_error():
    with pytest.raises(n.CellError, match="性别"):
        n.gender("未知")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("本科", "bk"), ("专科", "zk"), ("专科(高职)", "zk"), ("专科（高职）", "zk"), ("高职", "zk"), ("专升本", "zsb"),
     ("硕士", "ss"), ("硕士研究生", "ss"), ("博士", "bs"), ("bk", "bk")],
)  # fmt: skip
def test_level_names_map_to_codes(raw, expected):
    assert n.level(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4", "4.0"),
        (4.0, "4.0"),
        ("4年", "4.0"),
        ("四年", "4.0"),
        ("1.5", "1.5"),
        ("两年半", "2.5"),
        ("５", "5.0"),
        ("3年制", "3.0"),
    ],
)
def test_duration_is_a_decimal(raw, expected):
    assert n.duration(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["0", "12", "很久", "-4"])
def test_an_impossible_duration_is_an_error(raw):
    with pytest.raises(n.CellError, match="学制"):
        n.duration(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("居民身份证", "resident"), ("身份证", "resident"), ("港澳居民来往内地通行证", "hk_macau"), ("台胞证", "taiwan"),
     ("港澳台居民居住证", "hmt_residence"), ("护照", "passport")],
)  # fmt: skip
def test_id_types(raw, expected):
    assert n.id_type(raw) == expected


def test_id_numbers_lose_spaces_and_get_a_capital_x():
    assert n.id_number(" 11010520070512001x ") == "11010520070512001X"
    assert n.id_number("１１０１０５２００７０５１２００１ｘ") == "11010520070512001X"


@pytest.mark.parametrize("raw", [1.10105200705121e17, 110105200705120011, "1.10105E+17", "1.10105200705121E+17"])
def test_an_id_number_that_arrived_as_a_number_is_refused_with_advice(raw):
    with pytest.raises(n.CellError) as caught:
        n.id_number(raw)
    assert "文本" in caught.value.message and "丢失" in caught.value.message


def test_student_numbers_from_numeric_cells_keep_their_digits():
    parse = n.code(32, "学号")
    assert parse(2026010001.0) == "2026010001"
    assert parse(" ２０２６０１０００１ ") == "2026010001"
    with pytest.raises(n.CellError):
        parse('=HYPERLINK("http://x")')


@pytest.mark.parametrize(
    ("header", "key"),
    [("学号", "student_no"), ("XH", "student_no"), ("xh", "student_no"), ("ＳＦＺＨ", "id_number"), ("身份证号", "id_number"),
     ("证 件 号 码", "id_number"), ("*学号", "student_no"), ("出生日期(yyyy-mm-dd)", "birth_date"), ("Student No", "student_no"),
     ("CSRQ", "birth_date"), ("FY", "college"), ("BH", "class_name"), ("XLLB", "education_type"), ("KSH", "exam_no"),
     ("YJBYRQ", "expected_graduation"), ("ZCZT", "status"), ("date of birth", "birth_date")],
)  # fmt: skip
def test_headers_match_by_alias_after_folding(header, key):
    index = {header_key(s): c.key for c in ROSTER_COLUMNS for s in (c.label, *c.aliases)}
    assert index[header_key(header)] == key
