"""Checks of identity document numbers, one rule per CHSI 证件类型.

居民身份证 GB 11643 (check digit, birth date, gender); 港澳居民来往内地通行证 H/M + 8 or
10 digits; 台湾居民来往大陆通行证 8 or 10 digits; 港澳台居民居住证 810000/820000/830000
+ the GB 11643 check digit; 香港特区护照/身份证明 a Hong Kong identity card (check digit
mod 11) or an HKSAR passport (H/K + 8 digits); 澳门特区护照/身份证明 a Macau identity
card (1/5/7 + 6 digits + check digit) or a MSAR passport (M + 7 or 8 characters);
护照 (foreign students) 5 to 17 letters or digits; 其他 only a warning to verify by hand.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from selfcheck.models import Gender, IdType

# 港澳居民来往内地通行证: H/M + 8 or 10 digits; 台湾居民来往大陆通行证: 8 digits (old: 10 + letter).
_RESIDENT = re.compile(r"^[0-9]{17}[0-9X]$")
_HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN = re.compile(r"^\d{8}$|^\d{10}$")
_HMT_RESIDENCE = re.compile(r"^8[123]0000\d{11}[\dX]$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
_HKID = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([0-9A])\)?$")
_HK_PASSPORT = re.compile(r"^[HK]\d{8}$")
_MACAU_ID = re.compile(r"^[157]\d{6}\(?\d\)?$")
_MACAU_PASSPORT = re.compile(r"^M[A-Z]?\d{7}$")


@dataclass(frozen=True)
class IdProblem:
    message: str
    is_warning: bool = False
    field: str = "id_number"  # the record field the problem is about


# (area code, birth year) -> known to stdnum's county table; a roster repeats few pairs.
_AREA_KNOWN: dict[str, bool] = {}
_AREA_CACHE_LIMIT = 100_000


def normalize_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def resident_gender(number: str) -> str:
    """The gender a resident ID encodes: odd 17th digit is male."""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def _area_known(number: str) -> bool:
    key = number[:10]  # area code and birth year
    known = _AREA_KNOWN.get(key)
    if known is None:
        try:
            ric.get_birth_place(number)
            known = True
        except ValidationError:
            known = False
        if len(_AREA_KNOWN) < _AREA_CACHE_LIMIT:
            _AREA_KNOWN[key] = known
    return known


def check_id_number(
    id_type: str,
    number: str,
    *,
    birth_date: date | None = None,
    gender: str | None = None,
    today: date | None = None,
) -> list[IdProblem]:
    """Return the problems with an ID number; an empty list means it is acceptable."""
    problems: list[IdProblem] = []
    if not number:
        return [IdProblem("证件号码不能为空")]
    if id_type == IdType.RESIDENT:
        if len(number) != 18:
            return [IdProblem(f"居民身份证号码应为18位，实际为{len(number)}位")]
        if not _RESIDENT.match(number):
            return [IdProblem("居民身份证号码格式错误（应为17位数字加1位数字或X）")]
        if ric.calc_check_digit(number) != number[17]:
            if number.endswith("000"):  # Excel keeps 15 significant digits of a number
                return [
                    IdProblem(
                        "居民身份证号码校验位错误（末三位为 000，可能是 Excel 按数字保存后丢失了末尾数字，"
                        "请把该列设为文本格式）"
                    )
                ]
            return [IdProblem("居民身份证号码校验位错误")]
        encoded = _parse_encoded_birth(number)
        if encoded is None:
            return [IdProblem("居民身份证号码中的出生日期无效")]
        if encoded > (today or timezone.localdate()):
            return [IdProblem("居民身份证号码中的出生日期晚于今天")]
        if not _area_known(number):
            problems.append(IdProblem(f"居民身份证号码地区码未知（{number[:6]}），请核实", is_warning=True))
        if birth_date is not None and encoded != birth_date:
            problems.append(
                IdProblem(
                    f"出生日期 {birth_date:%Y-%m-%d} 与身份证号码中的 {encoded:%Y-%m-%d} 不一致", field="birth_date"
                )
            )
        if gender in (Gender.MALE, Gender.FEMALE) and resident_gender(number) != gender:
            problems.append(IdProblem("性别与身份证号码（第17位）不一致", field="gender"))
        return problems
    if id_type == IdType.HMT_RESIDENCE and _HMT_RESIDENCE.match(number):
        if ric.calc_check_digit(number) != number[17]:
            return [IdProblem("港澳台居民居住证号码校验位错误")]
        return problems
    if id_type == IdType.HK_SAR:
        if not (_HK_PASSPORT.match(number) or hkid_valid(number)):
            return [
                IdProblem(
                    "香港特区证件号码应为香港身份证号码（如 A123456(3)，校验位正确）或特区护照号码（H/K加8位数字）"
                )
            ]
        return problems
    if id_type == IdType.MACAU_SAR:
        if not (_MACAU_ID.match(number) or _MACAU_PASSPORT.match(number)):
            return [
                IdProblem("澳门特区证件号码应为澳门身份证号码（1/5/7开头8位，如 1234567(8)）或特区护照号码（M开头）")
            ]
        return problems
    if id_type == IdType.OTHER:
        return [IdProblem("证件类型为“其他”，无法自动校验号码，请人工核实", is_warning=True)]
    patterns = {
        IdType.HK_MACAU: (_HK_MACAU, "港澳居民来往内地通行证号码应为H或M开头加8位或10位数字"),
        IdType.TAIWAN: (_TAIWAN, "台湾居民来往大陆通行证号码应为8位或10位数字"),
        IdType.HMT_RESIDENCE: (_HMT_RESIDENCE, "港澳台居民居住证号码应为810000/820000/830000开头的18位号码"),
        IdType.PASSPORT: (_PASSPORT, "护照号码应为5至17位字母或数字"),
    }
    pattern, message = patterns.get(id_type, (None, ""))
    if pattern is not None and not pattern.match(number):
        problems.append(IdProblem(message))
    return problems


def _parse_encoded_birth(number: str) -> date | None:
    return _encoded_birth(number[6:14])


@functools.lru_cache(maxsize=65_536)  # a cohort's birth dates span a few years: few distinct
def _encoded_birth(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def hkid_valid(number: str) -> bool:
    """A Hong Kong identity card number: one or two letters, six digits, check digit (mod 11)."""
    match = _HKID.match(number)
    if match is None:
        return False
    letters, digits, check = match.groups()
    letters = letters.rjust(2, " ")
    values = [36 if c == " " else ord(c) - ord("A") + 10 for c in letters] + [int(d) for d in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))
