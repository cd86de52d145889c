"""Cell values as people type them, turned into the values the database holds.

Every parser takes a raw cell (``str``, ``float``, ``int`` or ``bool``) and returns a
value or raises ``CellError`` with a message for staff. They run once per cell of a
50,000-row file, so they avoid work on the common case (ASCII, ISO dates).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from selfcheck.models import Gender, IdType, Level


class CellError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Same folding as selfcheck.text.normalize_text (full-width ASCII and odd spaces), done
# with str.translate; a byte-order mark left in a cell is dropped as well.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x200B: None, 0xFEFF: None})


def cell_text(value) -> str:
    """A cell as text; integral numbers lose the ``.0`` a spreadsheet gives them."""
    if value is None:
        return ""
    cls = value.__class__
    if cls is str:
        return value
    if cls is float:
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def clean(value) -> str:
    """Trim ASCII and full-width spaces; fold full-width letters, digits and signs."""
    if value.__class__ is not str:
        value = cell_text(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value).translate(_HALF_WIDTH)
    return value.strip()


def fold(value) -> str:
    """For matching names and codes: no spaces, no brackets, lower case."""
    return _FOLD.sub("", clean(value)).lower()


_FOLD = re.compile(r"[\s()\[\]【】（）]+")


def is_number(value) -> bool:
    return value.__class__ in (float, int)


# --- text fields -----------------------------------------------------------------------


def text(max_length: int, *, collapse: bool = False):
    def parse(raw) -> str:
        value = clean(raw)
        if collapse and " " in value:
            value = " ".join(value.split())
        if len(value) > max_length:
            raise CellError(f"内容过长（{len(value)} 个字符，最多 {max_length} 个）")
        return value

    return parse


_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]*$")


def code(max_length: int, what: str):
    """学号, 考生号: letters and digits; a number cell is fine when it is whole."""

    def parse(raw) -> str:
        if raw.__class__ is float and not raw.is_integer():
            raise CellError(f"{what}“{raw}”不是整数，请把该列设置为文本格式")
        value = clean(raw).replace(" ", "")
        if len(value) > max_length:
            raise CellError(f"{what}过长（{len(value)} 位，最多 {max_length} 位）")
        if not _CODE.match(value):
            raise CellError(f"{what}“{value[:40]}”含有字母、数字、下划线和连字符以外的字符")
        return value

    return parse


# --- ID numbers ----------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
NUMERIC_ID_MESSAGE = (
    "证件号码是数字格式（显示为 {shown}），Excel 已丢失最后几位数字。"
    "请在 Excel 中把该列设置为“文本”格式，重新填写或粘贴证件号码后再导出上传"
)


def id_number(raw) -> str:
    if is_number(raw):
        raise CellError(NUMERIC_ID_MESSAGE.format(shown=f"{raw:.6G}"))
    value = clean(raw).replace(" ", "").upper()
    if _SCIENTIFIC.match(value):
        raise CellError(NUMERIC_ID_MESSAGE.format(shown=value))
    if len(value) > 32:
        raise CellError(f"证件号码过长（{len(value)} 位）")
    return value


_ID_TYPES = {
    IdType.RESIDENT: ("居民身份证", "身份证", "二代身份证", "第二代居民身份证", "中华人民共和国居民身份证", "大陆居民身份证", "resident", "idcard"),
    IdType.HK_MACAU: ("港澳居民来往内地通行证", "港澳居民往来内地通行证", "港澳通行证", "回乡证", "hkmacau"),
    IdType.TAIWAN: ("台湾居民来往大陆通行证", "台湾居民往来大陆通行证", "台胞证", "台湾通行证", "taiwan"),
    IdType.HMT_RESIDENCE: ("港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "hmtresidence", "hmt_residence"),
    IdType.HK_SAR: ("香港特区护照/身份证明", "香港特区护照", "香港特区身份证明", "香港身份证", "香港永久性居民身份证", "hksar"),
    IdType.MACAU_SAR: ("澳门特区护照/身份证明", "澳门特区护照", "澳门特区身份证明", "澳门身份证", "澳门永久性居民身份证", "macausar"),
    IdType.PASSPORT: ("护照", "外国护照", "外籍护照", "passport"),
    IdType.OTHER: ("其他", "其它", "other"),
}  # fmt: skip
ID_TYPES = {fold(alias): value for value, aliases in _ID_TYPES.items() for alias in (value, *aliases)}


def id_type(raw) -> str:
    try:
        return ID_TYPES[fold(raw)]
    except KeyError:
        raise CellError(
            f"无法识别的证件类型“{clean(raw)[:40]}”（可用：居民身份证、港澳居民来往内地通行证、台湾居民来往大陆通行证、港澳台居民居住证、香港特区护照/身份证明、澳门特区护照/身份证明、护照、其他）"
        ) from None


# --- choices -------------------------------------------------------------------------------

_GENDERS = {
    Gender.MALE: ("男", "男性", "男生", "m", "male", "1"),
    Gender.FEMALE: ("女", "女性", "女生", "f", "female", "2"),
}
GENDERS = {alias: value for value, aliases in _GENDERS.items() for alias in aliases}


def gender(raw) -> str:
    try:
        return GENDERS[fold(raw)]
    except KeyError:
        raise CellError(f"无法识别的性别“{clean(raw)[:20]}”（可用：男、女）") from None


_LEVELS = {
    Level.UNDERGRADUATE: ("本科", "普通本科", "本科生", "四年制本科", "undergraduate", "bachelor"),
    Level.JUNIOR_COLLEGE: ("专科", "高职", "专科高职", "高职专科", "大专", "高职高专", "juniorcollege", "associate"),
    Level.TOP_UP: ("专升本", "专科起点本科", "专起本", "topup"),
    Level.MASTER: ("硕士", "硕士研究生", "研究生硕士", "学术型硕士", "专业型硕士", "专业硕士", "master"),
    Level.DOCTOR: ("博士", "博士研究生", "研究生博士", "doctor", "phd"),
}
LEVELS = {fold(alias): value for value, aliases in _LEVELS.items() for alias in (value, *aliases)}


def level(raw) -> str:
    try:
        return LEVELS[fold(raw)]
    except KeyError:
        raise CellError(
            f"无法识别的层次“{clean(raw)[:20]}”（可用：本科、专科、专科(高职)、专升本、硕士、博士）"
        ) from None


_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TENTH = Decimal("0.1")


def duration(raw) -> Decimal:
    """学制 as a decimal: 4, 4.0, "4年", "四年", "两年半", "1.5"."""
    shown = clean(raw)
    try:
        if is_number(raw):
            value = Decimal(repr(float(raw)))
        else:
            value_text = shown.removesuffix("制")
            half = Decimal("0")
            if value_text.endswith("半"):
                half, value_text = Decimal("0.5"), value_text[:-1]
            value_text = value_text.removesuffix("年").strip()
            if value_text in _CHINESE_DIGITS:
                value = Decimal(_CHINESE_DIGITS[value_text])
            else:
                value = Decimal(value_text)
            value += half
        value = value.quantize(_TENTH)
    except (InvalidOperation, ValueError):
        raise CellError(f"无法识别的学制“{shown[:20]}”（应为年数，如 4、4.5、2年）") from None
    if not Decimal("0.5") <= value <= Decimal("9"):
        raise CellError(f"学制“{shown[:20]}”不在 0.5 至 9 年之间")
    return value


# --- dates ---------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_FORMS = "2006-05-12、2006.05.12、2006/5/12 或 20060512"
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(raw) -> date:
    """A date from a real date cell, ``2006-05-12``, ``2006.05.12``, ``2006/5/12``,
    ``2006年5月12日`` or ``20060512`` (text or number); a number that is not eight
    digits is read as an Excel serial day."""
    if is_number(raw):
        if isinstance(raw, bool) or not float(raw).is_integer():
            raise CellError(f"无法识别的日期“{raw}”，请使用 {DATE_FORMS} 格式")
        number = int(raw)
        if 10_000_000 <= number <= 99_999_999:
            raw = str(number)
        elif 1 <= number <= 80_000:
            return _EXCEL_EPOCH + timedelta(days=number)
        else:
            raise CellError(f"无法识别的日期“{number}”，请使用 {DATE_FORMS} 格式")
    if raw.__class__ is str and (len(raw) == 10 or (len(raw) == 19 and raw[10] in "T ")) and raw[4] == raw[7] == "-":
        try:  # what a date cell arrives as: 2006-05-12 or 2006-05-12T00:00:00
            return date.fromisoformat(raw[:10])
        except ValueError:
            pass
    value = clean(raw)
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    match = _DATE.match(value) or _COMPACT.match(value)
    if match is None:
        raise CellError(f"无法识别的日期“{value[:30]}”，请使用 {DATE_FORMS} 格式")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"日期“{value[:30]}”不存在") from None


def cohort(raw) -> int:
    value = clean(raw).removesuffix("级")
    if not value.isdigit() or not 1990 <= int(value) <= 2100:
        raise CellError(f"无法识别的年级“{value[:20]}”（应为四位年份，如 2026）")
    return int(value)
