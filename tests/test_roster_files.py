"""Roster files the tests build in code (xlsx, xls, ods, csv, hostile ones), and the
tests of reading them: formats, encodings, header rows, merged cells, blank rows.

The builders are imported by the other ``test_roster_*`` modules.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from selfcheck.demo import resident_id
from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.readers import decode_csv, open_table
from selfcheck.services.roster.safety import inspect_file

HEADER = [
    "学号", "考生号", "姓名", "性别", "出生日期", "民族", "证件类型", "证件号码",
    "学院", "专业", "专业代码", "班级", "层次", "学制", "入学日期", "预计毕业日期",
]  # fmt: skip
LIMIT = 20 * 1024 * 1024


def student(n: int, *, gender: str = "M", birth: date = date(2007, 5, 12), area: str = "110105", **changes) -> dict:
    """One valid roster row as a header -> value dict; ``changes`` replace cells by header."""
    row = {
        "学号": f"2026{n:06d}",
        "考生号": f"26110{n:09d}",
        "姓名": f"学生{n}",
        "性别": "男" if gender == "M" else "女",
        "出生日期": birth.strftime("%Y-%m-%d"),
        "民族": "汉族",
        "证件类型": "居民身份证",
        "证件号码": resident_id(area, birth, n, gender),
        "学院": "计算机学院",
        "专业": "软件工程",
        "专业代码": "080902",
        "班级": "软件2601",
        "层次": "本科",
        "学制": "4",
        "入学日期": "2026-09-01",
        "预计毕业日期": "2030-06-30",
    }
    row.update(changes)
    return row


def table(rows: list[dict], header: list[str] = HEADER) -> list[list]:
    return [list(header)] + [[row.get(h, "") for h in header] for row in rows]


def write_xlsx(path: Path, rows: list[list], *, titles: list[list] = (), merges: list[str] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*titles, *rows]:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed by a person, not a formula openpyxl should write
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_csv(
    path: Path, rows: list[list], *, encoding: str = "utf-8", bom: bool = False, delimiter: str = ","
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _ods_cell(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}"><text:p>{value}</text:p></table:table-cell>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def write_ods(path: Path, rows: list[list]) -> Path:
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


# --- legacy .xls: a BIFF8 workbook inside an OLE compound file, the least that readers accept ---


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff8(rows: list[list], sheet_name: str = "Sheet1") -> bytes:
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    name = sheet_name.encode("utf-16-le")
    head = _record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
    eof = _record(0x000A, b"")
    sheet_offset = (
        len(head) + len(_record(0x0085, struct.pack("<IBBBB", 0, 0, 0, len(sheet_name), 1) + name)) + len(eof)
    )
    globals_ = head + _record(0x0085, struct.pack("<IBBBB", sheet_offset, 0, 0, len(sheet_name), 1) + name) + eof
    sheet = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))]
    width = max((len(r) for r in rows), default=0)
    sheet.append(_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in ("", None):
                continue
            if isinstance(value, (int, float)):
                sheet.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))))
            else:
                text = str(value)
                sheet.append(_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), 1) + text.encode("utf-16-le")))
    sheet.append(eof)
    return globals_ + b"".join(sheet)


def write_xls(path: Path, rows: list[list]) -> Path:
    stream = _biff8(rows)
    stream += b"\0" * max(0, 4096 - len(stream))  # at least the mini-stream cutoff: plain sectors only
    sectors = (len(stream) + 511) // 512
    assert sectors <= 126, "test workbook too large for one FAT sector"
    stream += b"\0" * (sectors * 512 - len(stream))
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        data = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", free, free, child)
        return data + b"\0" * 36 + struct.pack("<IQ", start, size)

    directory = entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 2, len(stream)) + b"\0" * 256
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + stream)
    return path


def read_all(path: Path, name: str | None = None, *, encoding: str | None = None) -> tuple[list, str]:
    fmt = inspect_file(path, name or path.name, size_limit=LIMIT)
    with open_table(path, fmt, encoding=encoding) as result:
        return list(result.rows), result.encoding


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_ods], ids=["xlsx", "xls", "ods"])
def test_it_reads_every_spreadsheet_format(tmp_path, writer):
    suffix = {write_xlsx: ".xlsx", write_xls: ".xls", write_ods: ".ods"}[writer]
    rows = table([student(1), student(2, gender="F")])
    rows_read, encoding = read_all(writer(tmp_path / f"roster{suffix}", rows))
    assert encoding == ""
    assert rows_read[0] == (1, HEADER)
    number, cells = rows_read[2]
    assert number == 3
    assert cells[0] == "2026000002" and cells[2] == "学生2" and cells[7] == rows[2][7]


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("gbk", False, "gbk"), ("utf-16", False, "utf-16")],
)
def test_it_detects_the_encoding_of_a_csv(tmp_path, encoding, bom, expected):
    path = write_csv(tmp_path / "roster.csv", table([student(1, 姓名="张三丰")]), encoding=encoding, bom=bom)
    rows, used = read_all(path)
    assert used == expected
    assert rows[0][1][0] == "学号"
    assert rows[1][1][2] == "张三丰"


def test_it_falls_back_to_gb18030_for_characters_gbk_lacks(tmp_path):
    path = write_csv(tmp_path / "roster.csv", table([student(1, 姓名="王䶮")]), encoding="gb18030")
    rows, used = read_all(path)
    assert used == "gb18030"
    assert rows[1][1][2] == "王䶮"


def test_an_encoding_override_is_applied_strictly(tmp_path):
    path = write_csv(tmp_path / "roster.csv", table([student(1)]), encoding="gbk")
    with pytest.raises(FileRefused, match="UTF-8"):
        read_all(path, encoding="utf-8")
    rows, used = read_all(path, encoding="gb18030")
    assert used == "gb18030" and rows[0][1][0] == "学号"


def test_undecodable_bytes_without_an_override_are_refused():
    with pytest.raises(FileRefused, match="指定编码"):
        decode_csv(b"\xff\xfe\xfd\x80\x81 not text" * 3 + b"\x81")


def test_it_reads_tab_and_semicolon_separated_text(tmp_path):
    path = write_csv(tmp_path / "roster.csv", table([student(1)]), delimiter="\t")
    rows, _ = read_all(path)
    assert rows[1][1][:2] == ["2026000001", "26110000000001"]


def test_merged_cells_fill_every_row_they_cover(tmp_path):
    rows = table([student(1), student(2), student(3)])
    for row in rows[2:]:
        row[8] = None  # 学院 written once, merged down the group
    path = write_xlsx(tmp_path / "roster.xlsx", rows, titles=[["2026级新生名册"]], merges=["A1:P1", "I3:I5"])
    read = read_all(path)[0]
    assert read[0][1][0] == "2026级新生名册"
    assert [cells[8] for _, cells in read[2:]] == ["计算机学院"] * 3


def test_rows_are_numbered_as_excel_shows_them_above_blank_space(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["C4"] = "学号"
    sheet["D4"] = "姓名"
    sheet["C6"] = "2026000001"
    workbook.save(tmp_path / "offset.xlsx")
    rows = read_all(tmp_path / "offset.xlsx")[0]
    assert rows[3] == (4, ["学号", "姓名"])
    assert rows[5] == (6, ["2026000001", ""])


def test_a_csv_longer_than_the_row_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    path = tmp_path / "long.csv"
    path.write_text("学号,姓名\n" + "\n" * 500, encoding="utf-8")
    with pytest.raises(FileRefused, match="超过上限 100 行"):
        read_all(path)
