"""Reading roster files: formats, encodings, header rows, merged cells, blank rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.readers import decode_csv, open_table
from selfcheck.services.roster.safety import inspect_file
from tests.factories import HEADER, student, table, write_csv, write_ods, write_xls, write_xlsx

LIMIT = 20 * 1024 * 1024


# --- legacy .xls: a BIFF8 workbook inside an OLE compound file, the least that readers accept ---


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
