"""The files of a bulletin: a Word 通报 and a workbook with a summary and a sheet per college.

The workbook is written once, in openpyxl's write-only mode, streaming the students
who still have to act straight from the database; a college's part for its secretary
is cut from that stored workbook, so every reader gets the numbers and names frozen at
generation. Text cells are typed as strings, so nothing can become a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from selfcheck.masking import mask_id_number
from selfcheck.models import Bulletin, Check
from selfcheck.services.bulletin_content import SUMMARY_SHEET, chinese_date
from selfcheck.services.exports import FORMULA_TRIGGERS

OFFICE = "教务处学籍科"
SUMMARY_HEADERS = [
    ("名次", 6), ("学院代码", 10), ("学院", 24), ("学生数", 9), ("已完成", 9), ("未核对", 9), ("无法登录", 9),
    ("查无学籍", 9), ("完成率(%)", 10), ("较上次(百分点)", 14), ("低于目标", 9),
]  # fmt: skip
STUDENT_HEADERS = [
    ("学号", 16), ("姓名", 10), ("证件号码", 22), ("专业", 22), ("班级", 14), ("核对状态", 10), ("无法登录原因", 18),
    ("联系电话", 14),
]  # fmt: skip
LISTED_STATUSES = (Check.Status.PENDING, Check.Status.BLOCKED)
_STATUS_WORDS = {Check.Status.PENDING: "未核对", Check.Status.BLOCKED: "无法登录"}
_REASON_WORDS = {
    Check.BlockedReason.PHONE_TAKEN: "手机号已被注册",
    Check.BlockedReason.ID_BOUND: "证件号码重复或已绑定",
    Check.BlockedReason.NOT_LINKED: "学籍未关联",
    Check.BlockedReason.OTHER: "其他",
}
_BOLD = Font(bold=True)


# --- workbook -----------------------------------------------------------------------------


def _cell(sheet, value):
    """A text value that a spreadsheet would evaluate goes in as a typed string cell."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _new_sheet(workbook: Workbook, title: str, headers: Sequence[tuple[str, int]], *, header_row: int = 1):
    sheet = workbook.create_sheet(title=title)
    for index, (_name, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    return sheet


def _header(sheet, headers: Sequence[tuple[str, int]]) -> None:
    cells = []
    for name, _width in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = _BOLD
        cells.append(cell)
    sheet.append(cells)


def _filter(sheet, headers: Sequence, first_row: int, last_row: int) -> None:
    sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(headers))}{max(last_row, first_row)}"


def _summary_rows(snapshot: dict) -> Iterable[list]:
    for c in snapshot["colleges"]:
        yield [
            c["rank"], c["code"], c["name"], c["total"], c["done"], c["pending"], c["blocked"], c["missing"],
            c["rate"], c["change"], "是" if c["below_target"] else "",
        ]  # fmt: skip


def _write_summary(workbook: Workbook, snapshot: dict) -> None:
    sheet = _new_sheet(workbook, SUMMARY_SHEET, SUMMARY_HEADERS, header_row=2)
    title = WriteOnlyCell(sheet, value=f"{snapshot['title']}（截至{snapshot['as_of']}）")
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    _header(sheet, SUMMARY_HEADERS)
    count = 0
    for row in _summary_rows(snapshot):
        sheet.append([_cell(sheet, v) for v in row])
        count += 1
    o = snapshot["overall"]
    sheet.append(["", "", "合计", o["total"], o["done"], o["pending"], o["blocked"], o["missing"], o["rate"]])
    _filter(sheet, SUMMARY_HEADERS, 2, 2 + count)


def listed_checks(campaign_id: int):
    """The checks of the students still to act, by college then 学号, as plain tuples."""
    return (
        Check.objects.filter(campaign_id=campaign_id, status__in=LISTED_STATUSES)
        .order_by("college__code", "student__student_no")
        .values_list(
            "college__code",
            "student__student_no",
            "student__name",
            "student__id_number",
            "student__major",
            "student__class_name",
            "status",
            "blocked_reason",
            "student__phone",
        )  # fmt: skip
    )


def _student_rows(bulletin: Bulletin):
    """(college code, row) for every student still to act, by college then 学号; streamed."""
    checks = listed_checks(bulletin.campaign_id)
    for code, no, name, id_number, major, class_name, status, reason, phone in checks.iterator(chunk_size=5000):
        yield code, [
            no, name, mask_id_number(id_number), major, class_name, _STATUS_WORDS.get(status, status),
            _REASON_WORDS.get(reason, ""), phone,
        ]  # fmt: skip


def render_workbook(bulletin: Bulletin, snapshot: dict) -> bytes:
    """The registrar's workbook: the summary, then one sheet per college of its students to chase."""
    workbook = Workbook(write_only=True)
    _write_summary(workbook, snapshot)
    by_code = sorted(snapshot["colleges"], key=lambda c: c["code"])
    sheets = {c["code"]: _new_sheet(workbook, c["sheet"], STUDENT_HEADERS) for c in by_code}
    rows = dict.fromkeys(sheets, 0)
    for sheet in sheets.values():
        _header(sheet, STUDENT_HEADERS)
    for code, row in _student_rows(bulletin):
        sheet = sheets.get(code)
        if sheet is None:  # a college with no check when the numbers were taken
            continue
        sheet.append([_cell(sheet, v) for v in row])
        rows[code] += 1
    for code, sheet in sheets.items():
        _filter(sheet, STUDENT_HEADERS, 1, 1 + rows[code])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_part(stored, snapshot: dict, codes: set[str]) -> bytes:
    """The summary and the sheets of the colleges ``codes`` only, cut from the stored workbook."""
    source = load_workbook(stored, read_only=True, data_only=True)
    workbook = Workbook(write_only=True)
    _write_summary(workbook, snapshot)
    for college in sorted(snapshot["colleges"], key=lambda c: c["code"]):
        if college["code"] not in codes or college["sheet"] not in source.sheetnames:
            continue
        sheet = _new_sheet(workbook, college["sheet"], STUDENT_HEADERS)
        _header(sheet, STUDENT_HEADERS)
        count = 0
        for values in source[college["sheet"]].iter_rows(min_row=2, values_only=True):
            sheet.append([_cell(sheet, "" if v is None else v) for v in values])
            count += 1
        _filter(sheet, STUDENT_HEADERS, 1, 1 + count)
    source.close()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Word 通报 -----------------------------------------------------------------------------


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, font="仿宋", size=16.0, bold=False, align=None, indent=True):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _table(doc, headers: list[str], rows: Iterable[list], widths_cm: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid LibreOffice reads; Word reads the cells' widths

    def fill(cells, values, font, bold):
        for cell, value, width in zip(cells, values, widths_cm, strict=True):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run("" if value is None else str(value)), font, 10.5, bold=bold)

    fill(table.rows[0].cells, headers, "黑体", True)
    for row in rows:
        fill(table.add_row().cells, row, "仿宋", False)


def _change(value) -> str:
    return "—" if value is None else f"{value:+.1f}"


def render_document(snapshot: dict) -> bytes:
    """A 通报 the office can edit and issue: title, salutation, text, tables, signature."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _paragraph(doc, snapshot["title"], font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "各学院：", indent=False)
    for text in snapshot["text"]:
        _paragraph(doc, text)
    _paragraph(doc, "一、总体情况", font="黑体")
    o = snapshot["overall"]
    _table(
        doc,
        ["应核对", "已完成", "未核对", "无法登录", "查无学籍", "完成率"],
        [[o["total"], o["done"], o["pending"], o["blocked"], o["missing"], f"{o['rate']:.1f}%"]],
        [2.5] * 6,
    )
    _paragraph(doc, "二、各学院完成情况", font="黑体")
    _table(
        doc,
        ["名次", "学院", "学生数", "已完成", "未完成", "完成率", "较上次", "达标"],
        (
            [
                c["rank"],
                c["name"],
                c["total"],
                c["done"],
                c["open"],
                f"{c['rate']:.1f}%",
                _change(c["change"]),
                "否" if c["below_target"] else "是",
            ]  # fmt: skip
            for c in snapshot["colleges"]
        ),
        [1.2, 4.6, 1.6, 1.6, 1.6, 1.8, 1.6, 1.2],
    )
    _paragraph(doc, "附件：各学院未核对及无法登录学生名单（见同期表格）", size=14)
    for line in (OFFICE, chinese_date(date.fromisoformat(snapshot["date"]))):
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
