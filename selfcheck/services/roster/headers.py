"""Which column holds which field: header aliases and finding the header row.

A header is matched after folding full-width characters, dropping every space,
case, ``_``/``-``/``*``/``:`` and a trailing note in brackets, so ``证件号码``,
``证 件 号 码``, ``ＳＦＺＨ``, ``sfzh``, ``*学号`` and ``出生日期(yyyy-mm-dd)`` all map.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from selfcheck.services.roster import limits
from selfcheck.services.roster.normalize import clean
from selfcheck.services.roster.problems import FileRefused, RowProblem


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False

    @property
    def spellings(self) -> str:
        return "、".join((self.label, *self.aliases))


# CHSI field codes: XH 学号, XM 姓名, XB 性别, CSRQ 出生日期, SFZH 身份证号, MZ 民族, FY 分院,
# ZYMC 专业名称, ZYDM 专业代码, BH 班号, CC 层次, XZ 学制, XXXS 学习形式, XLLB 学历类别,
# RXRQ 入学日期, YJBYRQ 预计毕业日期, ZCZT 注册状态, KSH 考生号.
ROSTER_COLUMNS = (
    Column("student_no", "学号", ("XH", "学生学号", "学生编号", "student_no", "student no", "student number", "student id", "stuno"), True),
    Column("exam_no", "考生号", ("KSH", "高考考生号", "考生编号", "高考报名号", "exam_no", "exam no", "candidate no", "candidate number")),
    Column("name", "姓名", ("XM", "学生姓名", "name", "student name", "full name"), True),
    Column("gender", "性别", ("XB", "gender", "sex"), True),
    Column("birth_date", "出生日期", ("CSRQ", "出生年月日", "生日", "出生年月", "birth_date", "birth date", "date of birth", "birthday", "dob"), True),
    Column("ethnicity", "民族", ("MZ", "ethnicity", "ethnic group", "nation")),
    Column("id_type", "证件类型", ("ZJLX", "身份证件类型", "证件种类", "id_type", "id type", "document type")),
    Column("id_number", "证件号码", ("SFZH", "ZJHM", "身份证号", "身份证号码", "身份证件号", "身份证件号码", "证件号", "公民身份号码", "id_number", "id number", "id no", "id card", "id card number", "identity number"), True),
    Column("college", "学院", ("FY", "YXMC", "院系", "分院", "院系名称", "学院名称", "所在学院", "所在院系", "二级学院", "college", "school", "faculty", "department"), True),
    Column("major", "专业", ("ZYMC", "专业名称", "录取专业", "major", "major name", "program", "programme"), True),
    Column("major_code", "专业代码", ("ZYDM", "专业编码", "major_code", "major code", "program code")),
    Column("class_name", "班级", ("BH", "班号", "班级名称", "行政班", "class", "class name", "class_name")),
    Column("level", "层次", ("CC", "培养层次", "学历层次", "level", "education level"), True),
    Column("duration", "学制", ("XZ", "学制(年)", "duration", "length of schooling", "years"), True),
    Column("study_mode", "学习形式", ("XXXS", "study_mode", "study mode", "mode of study")),
    Column("education_type", "学历类别", ("XLLB", "education_type", "education type")),
    Column("enrolled_on", "入学日期", ("RXRQ", "入学时间", "入校日期", "enrolled_on", "enrollment date", "enrolment date", "admission date", "entry date"), True),
    Column("expected_graduation", "预计毕业日期", ("YJBYRQ", "预计毕业时间", "毕业日期", "expected_graduation", "expected graduation", "expected graduation date", "graduation date")),
    Column("status", "学籍状态", ("ZCZT", "XJZT", "注册状态", "status", "registration status", "enrolment status")),
    Column("phone", "联系电话", ("LXDH", "SJHM", "手机号", "手机号码", "电话", "联系方式", "phone", "mobile", "telephone")),
    Column("cohort", "年级", ("NJ", "cohort", "grade", "year")),
)  # fmt: skip

CHECKLIST_COLUMNS = (
    Column("student_no", "学号", ROSTER_COLUMNS[0].aliases),
    Column("id_number", "证件号码", ROSTER_COLUMNS[7].aliases),
    Column("name", "姓名", ROSTER_COLUMNS[2].aliases),
    Column("status", "核对状态", ("HDZT", "状态", "核对结果", "是否核对", "校对状态", "确认状态", "学籍核对状态", "status", "check status", "checked"), True),
    Column("checked_at", "核对时间", ("HDSJ", "核对日期", "确认时间", "校对时间", "checked_at", "check time", "checked at")),
)  # fmt: skip

_NOTE = re.compile(r"[(\[【（][^()\[\]【】（）]*[)\]】）]$")
_DROP = re.compile(r"[\s_\-*:：#]+")


def header_key(text) -> str:
    key = clean(text)
    key = _NOTE.sub("", key) if len(key) > 2 else key
    return _DROP.sub("", key).lower()


def _alias_index(columns) -> dict[str, str]:
    index = {}
    for column in columns:
        for spelling in (column.label, *column.aliases):
            index.setdefault(header_key(spelling), column.key)
    return index


def header_keys(columns) -> tuple[str, ...]:
    """Every accepted spelling of the columns, folded: what the sheet reader scores sheets by."""
    return tuple(_alias_index(columns))


@dataclass
class HeaderMap:
    row: int
    positions: dict[str, int]  # field key -> index in the row
    titles: dict[str, str]  # field key -> the header as written in the file, trimmed
    raw_titles: dict[str, object] = field(default_factory=dict)  # field key -> the header cell untouched
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cells: list = field(default_factory=list)  # the header row as read

    def title(self, key: str) -> str:
        return self.titles.get(key, key)


def find_header(rows: Iterator[tuple[int, list]], columns, *, minimum: int) -> HeaderMap:
    """Read rows until one names at least ``minimum`` known columns and map it; the
    data rows are what the iterator yields next.

    Refuses the file when no such row is among the first ``HEADER_SCAN_ROWS`` rows.
    """
    index = _alias_index(columns)
    labels = {column.key: column.label for column in columns}
    for number, row in rows:
        keys = [index.get(header_key(cell)) if cell not in ("", None) else None for cell in row]
        if sum(1 for key in set(keys) if key) >= minimum:
            positions: dict[str, int] = {}
            titles: dict[str, str] = {}
            header = HeaderMap(row=number, positions=positions, titles=titles, cells=list(row))
            for position, (cell, key) in enumerate(zip(row, keys, strict=True)):
                title = clean(cell) if cell not in ("", None) else ""
                if key is None:
                    if title:
                        header.ignored.append(title)
                elif key in positions:
                    header.warnings.append(
                        f"“{title}”列与“{titles[key]}”列都对应{labels[key]}，已使用“{titles[key]}”列。"
                    )
                else:
                    positions[key] = position
                    titles[key] = title
                    header.raw_titles[key] = cell
            return header
        if number >= limits.HEADER_SCAN_ROWS:
            break
    wanted = "、".join(column.label for column in columns if column.required) or "学号"
    raise FileRefused(
        f"未找到表头行：前 {limits.HEADER_SCAN_ROWS} 行中没有一行包含{wanted}等列名。请确认上传的是名册文件，且列名在一个未隐藏的工作表中。"
    )


def missing_columns(header: HeaderMap, columns) -> list[RowProblem]:
    """One problem per required column the header lacks, naming its accepted spellings."""
    return [
        RowProblem(header.row, column.label, f"缺少必需的列“{column.label}”。可用的列名：{column.spellings}。")
        for column in columns
        if column.required and column.key not in header.positions
    ]


def refuse_missing(header: HeaderMap, problems: list[RowProblem]) -> None:
    if problems:
        raise FileRefused("\n".join(p.message for p in problems), problems=problems, header_row=header.row)
