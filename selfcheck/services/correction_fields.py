"""The record fields a correction request can change: labels, CHSI codes, parsing and display.

Values travel as text in their stored form (dates ISO, 学制 ``4.0``, choices by code)
so a request, its snapshot of the record and the change history compare like for like.
Typed values are parsed by the same helpers the roster import uses.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from selfcheck.idcheck import check_id_number
from selfcheck.masking import mask_id_number
from selfcheck.models import Gender, IdType, Level, Student
from selfcheck.numbers import plain_number
from selfcheck.services.roster import normalize
from selfcheck.services.roster.normalize import CellError

# Field -> CHSI field code, in the order the student's form lists them.
CHSI_CODES = {
    "name": "XM", "gender": "XB", "birth_date": "CSRQ", "ethnicity": "MZ", "id_type": "ZJLX",
    "id_number": "SFZH", "exam_no": "KSH", "major": "ZYMC", "level": "CC", "duration": "XZ",
    "study_mode": "XXXS", "education_type": "XLLB", "enrolled_on": "RXRQ", "expected_graduation": "YJBYRQ",
}  # fmt: skip
CORRECTABLE_FIELDS = tuple(CHSI_CODES)
IDENTITY_CHECKED = ("id_type", "id_number", "birth_date", "gender")
DATE_FIELDS = ("birth_date", "enrolled_on", "expected_graduation")
CHOICES = {"gender": Gender, "level": Level, "id_type": IdType}
STUDY_MODES = ("普通全日制", "非全日制", "函授", "业余", "网络教育", "脱产")
EDUCATION_TYPES = ("普通高等教育", "成人高等教育", "网络教育", "高等教育自学考试", "研究生教育")
VALUE_MAX = 128


class FieldValueError(ValueError):
    """A typed value that is not acceptable; the message is shown next to the field."""


def label(field: str) -> str:
    return str(Student._meta.get_field(field).verbose_name)


def stored_value(student: Student, field: str) -> str:
    value = getattr(student, field)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def snapshot(student: Student) -> dict[str, str]:
    """The correctable fields of a record as text, to detect later changes."""
    return {field: stored_value(student, field) for field in CORRECTABLE_FIELDS}


def display_value(field: str, value: str, *, reveal_id: bool = False) -> str:
    """A stored value as people read it; ID numbers masked unless revealed."""
    if not value:
        return ""
    if field == "id_number" and not reveal_id:
        return mask_id_number(value)
    if field == "duration":
        try:
            return plain_number(value)  # 学制 4 and 2.5, not 4.0
        except (ArithmeticError, ValueError):
            return value
    if field in CHOICES:
        try:
            return str(CHOICES[field](value).label)
        except ValueError:
            return value
    return value


def to_python(field: str, value: str):
    if field in DATE_FIELDS:
        return date.fromisoformat(value) if value else None
    if field == "duration":
        return Decimal(value)
    return value


def known_majors() -> list[str]:
    return sorted(set(Student.objects.values_list("major", flat=True).distinct()))


def known_study_modes() -> list[str]:
    held = set(Student.objects.values_list("study_mode", flat=True).distinct())
    return sorted(held | set(STUDY_MODES))


def parse_value(field: str, raw: str) -> str:
    """A typed value in its stored form, or ``FieldValueError`` with the reason."""
    raw = (raw or "").strip()
    if not raw:
        raise FieldValueError(_("请填写正确的信息。"))
    try:
        value = _parse(field, raw)
    except CellError as exc:
        raise FieldValueError(exc.message) from None
    if len(value) > VALUE_MAX:
        raise FieldValueError(_("内容过长。"))
    return value


def _parse(field: str, raw: str) -> str:
    if field in DATE_FIELDS:
        return normalize.parse_date(raw).isoformat()
    if field == "gender":
        return normalize.gender(raw)
    if field == "level":
        return normalize.level(raw)
    if field == "id_type":
        return normalize.id_type(raw)
    if field == "duration":
        return str(normalize.duration(raw))
    if field == "id_number":
        return normalize.id_number(raw)
    if field == "exam_no":
        return normalize.code(32, "考生号")(raw)
    if field == "major":
        value = normalize.text(64, collapse=True)(raw)
        if value not in known_majors():
            raise FieldValueError(
                _("“%(value)s”不是学校开设的专业，请按录取通知书上的专业名称填写。") % {"value": value[:30]}
            )
        return value
    if field == "study_mode":
        value = normalize.text(16, collapse=True)(raw)
        if value not in known_study_modes():
            raise FieldValueError(
                _("无法识别的学习形式（可用：%(modes)s）。") % {"modes": "、".join(known_study_modes())}
            )
        return value
    if field == "education_type":
        value = normalize.text(16, collapse=True)(raw)
        if value not in EDUCATION_TYPES:
            raise FieldValueError(_("无法识别的学历类别（可用：%(types)s）。") % {"types": "、".join(EDUCATION_TYPES)})
        return value
    return normalize.text(64, collapse=True)(raw)


def identity_problems(student: Student, changes: dict[str, str]) -> dict[str, str]:
    """Problems of the ID number with the record as it would be after ``changes``.

    Returns field -> message, each problem placed on a field the student changed, so
    it is shown next to what they typed.
    """
    if not any(field in changes for field in IDENTITY_CHECKED):
        return {}
    after = {field: changes.get(field, stored_value(student, field)) for field in IDENTITY_CHECKED}
    problems = check_id_number(
        after["id_type"],
        after["id_number"],
        birth_date=to_python("birth_date", after["birth_date"]),
        gender=after["gender"],
    )
    found: dict[str, str] = {}
    for problem in problems:
        if problem.is_warning:
            continue
        field = problem.field if problem.field in changes else None
        field = field or next((f for f in ("id_number", *IDENTITY_CHECKED) if f in changes), "id_number")
        found.setdefault(field, problem.message)
    return found
