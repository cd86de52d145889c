"""Spreadsheet exports: one row generator per list, one renderer per format.

Text that a spreadsheet would read as a formula is written so that it stays text.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from selfcheck import safe_names, stats
from selfcheck.masking import mask_id_number
from selfcheck.models import Check
from selfcheck.presenters import detail_text

FORMULA_STARTS = ("=", "+", "-", "@")
# A tab, carriage return or line feed before the formula sign is dropped by Excel and
# LibreOffice when they read CSV, so "\t=1+1" would come back as a formula.
FORMULA_TRIGGERS = (*FORMULA_STARTS, "\t", "\r", "\n")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """Prefix text that a spreadsheet would evaluate, so it is shown as typed.

    Used by every export: the portal's own lists and the Django admin's.
    """
    if value and (value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def safe_cell(value):
    """``safe_text`` for text; other values (numbers, dates, None) as they are."""
    return safe_text(value) if isinstance(value, str) else value


def cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, Decimal, date)):
        return value
    return safe_text(str(value))


# Columns whose digits are an identifier, not a quantity: kept as text, shown as text.
TEXT_COLUMNS = frozenset(
    {"学号", "考生号", "证件号码", "身份证号", "联系电话", "手机号", "专业代码", "学院代码", "班级"}
)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE = 500  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 6, 60


def _text_width(value) -> int:
    """Columns Excel needs for a value: CJK characters take two."""
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _column_widths(headers: Sequence[str], sample: list[list]) -> list[float]:
    widths = [_text_width(str(title)) + 4 for title in headers]  # room for the filter button
    for row in sample:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _text_width(value) + 2)
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


def render_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "Sheet1") -> bytes:
    """Render rows with openpyxl's write-only mode, laid out to open well in Excel:
    columns sized to their contents, the header frozen and filterable, dates as dates,
    identifiers (学号, 证件号码, phone) as text; text cells are typed as strings."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_names.sheet_title(sheet_title))
    rows = iter(rows)
    sample = [[cell_value(value) for value in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
    for index, width in enumerate(_column_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=safe_text(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    text_at = {index for index, title in enumerate(headers) if str(title) in TEXT_COLUMNS}
    count = 0
    for row in itertools.chain(sample, ([cell_value(value) for value in row] for row in rows)):
        out = []
        for index, value in enumerate(row):
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
                cell.data_type = "s"  # never "f": a leading "=" must not become a formula
                if index in text_at:
                    cell.number_format = "@"
                out.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                out.append(cell)
            elif index in text_at and isinstance(value, int):
                cell = WriteOnlyCell(sheet, value=str(value))
                cell.data_type = "s"
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value):
        return value


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence]):
    """Yield CSV text in UTF-8 with BOM, which Chinese Excel opens without mojibake.

    CSV is for other systems: values are written as they are (学号 as digits, dates as
    ``YYYY-MM-DD``), so Excel, which guesses types, may show a long 学号 as 2.02601E+11.
    For Excel use the xlsx export."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_text(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def _csv_value(value):
    value = cell_value(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return value


def export_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An HTTP download of ``rows`` as ``xlsx`` or ``csv``; ``filename`` without extension."""
    disposition = safe_names.content_disposition(safe_names.download_filename(filename, fmt))
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(render_xlsx(headers, rows, sheet_title=filename), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    return response


# --- the tracking lists --------------------------------------------------------------------

CHECK_HEADERS = [
    "学号", "姓名", "学院", "专业", "班级", "证件号码", "联系电话", "核对状态", "无法登录原因", "来源",
    "更新时间", "完成时间", "学生说明",
]  # fmt: skip


def check_rows(checks):
    """One row per check of an already scoped and ordered queryset; ID numbers masked."""
    for check in checks.select_related("student", "student__college").iterator(chunk_size=2000):
        student = check.student
        yield [
            student.student_no, student.name, student.college.name, student.major, student.class_name,
            mask_id_number(student.id_number), student.phone, check.get_status_display(),
            check.get_blocked_reason_display() if check.blocked_reason else "", check.get_source_display(),
            check.set_at, check.completed_at, detail_text(check.detail),
        ]  # fmt: skip


def college_headers() -> list[str]:
    return ["名次", "学院代码", "学院", "学生数", "已完成", "完成率(%)"] + [
        str(label) for _value, label in Check.Status.choices
    ]


def college_rows(rows: list[dict]):
    """The ranked per-college rows of ``stats.campaign_summary``."""
    return (
        [r["rank"], r["code"], r["name"], r["total"], r["done"], r["rate"]] + [r[s] for s in stats.STATUSES]
        for r in rows
    )
