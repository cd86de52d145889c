from datetime import date

import pytest

from selfcheck.demo import resident_id
from selfcheck.idcheck import check_id_number, normalize_id_number
from selfcheck.models import IdType

BIRTH = date(2007, 5, 12)
VALID = resident_id("110105", BIRTH, 7, "M")


def messages(problems, *, warnings=False):
    return [p.message for p in problems if p.is_warning == warnings]


def test_a_valid_resident_id_has_no_problems():
    assert check_id_number(IdType.RESIDENT, VALID, birth_date=BIRTH, gender="M") == []


def test_it_rejects_a_wrong_check_digit():
    wrong = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    assert messages(check_id_number(IdType.RESIDENT, wrong)) == ["居民身份证号码校验位错误"]


def test_it_rejects_a_short_number_that_lost_digits():
    assert "18位" in messages(check_id_number(IdType.RESIDENT, VALID[:15]))[0]


def test_it_rejects_an_impossible_birth_date():
    body = "11010520070230001"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    assert messages(check_id_number(IdType.RESIDENT, number)) == ["居民身份证号码中的出生日期无效"]


def test_it_rejects_a_birth_date_in_the_future():
    number = resident_id("110105", date(2099, 1, 1), 1, "M")
    assert "晚于今天" in messages(check_id_number(IdType.RESIDENT, number))[0]


def test_an_unknown_area_code_is_only_a_warning():
    number = resident_id("999999", BIRTH, 3, "M")
    problems = check_id_number(IdType.RESIDENT, number, birth_date=BIRTH, gender="M")
    assert messages(problems) == []
    assert "地区码" in messages(problems, warnings=True)[0]


def test_birth_date_must_agree_with_the_id():
    problems = messages(check_id_number(IdType.RESIDENT, VALID, birth_date=date(2007, 5, 13)))
    assert problems and "不一致" in problems[0]


def test_gender_must_agree_with_the_id():
    assert messages(check_id_number(IdType.RESIDENT, VALID, gender="F")) == ["性别与身份证号码（第17位）不一致"]


@pytest.mark.parametrize(
    ("id_type", "number", "ok"),
    [
        (IdType.HK_MACAU, "H12345678", True),
        (IdType.HK_MACAU, "M1234567890", True),
        (IdType.HK_MACAU, "X12345678", False),
        (IdType.TAIWAN, "12345678", True),
        (IdType.TAIWAN, "1234", False),
        (IdType.TAIWAN, "1234567890", True),
        (IdType.TAIWAN, "123456789", False),
        (IdType.HMT_RESIDENCE, "810000199001011230", True),
        (IdType.HMT_RESIDENCE, "830000199001011230", False),  # check digit of another number
        (IdType.HMT_RESIDENCE, "840000199001011230", False),
        (IdType.HK_SAR, "A123456(3)", True),
        (IdType.HK_SAR, "A1234563", True),
        (IdType.HK_SAR, "AB9876543", True),
        (IdType.HK_SAR, "A123456(4)", False),
        (IdType.HK_SAR, "K12345678", True),
        (IdType.HK_SAR, "E12345678", False),
        (IdType.MACAU_SAR, "1234567(8)", True),
        (IdType.MACAU_SAR, "51234567", True),
        (IdType.MACAU_SAR, "MA1234567", True),
        (IdType.MACAU_SAR, "2234567(8)", False),
        (IdType.PASSPORT, "E12345678", True),
        (IdType.PASSPORT, "E12", False),
    ],
)
def test_permits_follow_their_own_formats(id_type, number, ok):
    assert (check_id_number(id_type, number) == []) is ok


def test_other_document_types_are_only_a_warning_to_verify():
    problems = check_id_number(IdType.OTHER, "ANYTHING-123")
    assert len(problems) == 1 and problems[0].is_warning


def test_lower_case_x_and_spaces_are_normalised():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
