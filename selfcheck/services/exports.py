"""Spreadsheet exports: one row generator per list, one renderer per format.

Text that a spreadsheet would read as a formula is written so that it stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def render_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, sheet_title: str = "Sheet1") -> bytes:
    """Render rows with openpyxl's write-only mode; text cells are typed as strings."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_names.sheet_title(sheet_title))
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=safe_text(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        out = []
        for value in row:
            value = cell_value(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
                cell.data_type = "s"  # never "f": a leading "=" must not become a formula
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value):
        return value


def iter_csv(headers: Sequence[str], rows: Iterable[Sequence]):
    """Yield CSV text in UTF-8 with BOM, which Chinese Excel opens without mojibake."""
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
