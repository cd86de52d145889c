"""Exports cannot carry a formula or break on a name: one helper for sheet titles and
file names, formula escaping that also sees through a leading tab, CR or LF."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from selfcheck.safe_names import content_disposition, download_filename, sheet_title
from selfcheck.services.exports import export_response, iter_csv, render_xlsx, safe_text

PAYLOADS = [
    '=HYPERLINK("http://evil.example/x","点我")',
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_text_keeps_every_formula_payload_text(payload):
    shown = safe_text(payload)
    assert shown.startswith("'")
    assert shown[1:] == payload


def test_safe_text_leaves_plain_text_alone():
    assert safe_text("张三") == "张三"
    assert safe_text("A=1") == "A=1"


def test_xlsx_cells_stay_text(tmp_path):
    content = render_xlsx(["姓名"], [[p] for p in PAYLOADS])
    sheet = load_workbook(io.BytesIO(content)).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    for value in values:
        assert value.startswith("'"), value
        assert not value.lstrip("'").lstrip().startswith("=") or value.startswith("'")
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"


def test_csv_cells_cannot_become_formulas_after_whitespace():
    text = "".join(iter_csv(["姓名"], [[p] for p in PAYLOADS]))
    lines = text.lstrip("\ufeff").splitlines()
    # No field begins (after the quote csv adds) with a tab/CR/LF or a formula sign.
    body = text.split("\r\n", 1)[1]
    assert "\t=1+1" not in body.replace("'\t=1+1", "")
    assert "\r=1+1" not in body.replace("'\r=1+1", "")
    assert lines


@pytest.mark.parametrize(
    "name",
    ["计算机/软件学院", "外语[英语]学院", "A:B*C?D", "history", "'引号'", "x" * 40, "", "\\反斜杠"],
)
def test_sheet_title_is_always_accepted_by_openpyxl(name):
    title = sheet_title(name)
    assert 1 <= len(title) <= 31
    assert not set(title) & set("/\\[]:*?")
    render_xlsx(["a"], [[1]], sheet_title=name)  # would raise ValueError before


def test_sheet_titles_stay_unique_after_truncation():
    used: set[str] = set()
    long = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某学院"
    titles = [sheet_title(long + "一", used), sheet_title(long + "二", used), sheet_title(long.lower(), used)]
    assert len({t.lower() for t in titles}) == 3
    assert all(len(t) <= 31 for t in titles)


def test_download_filename_has_no_path_or_quote():
    name = download_filename('../计算机/学院"名单\r\n', "xlsx")
    assert "/" not in name and '"' not in name and "\n" not in name and "\\" not in name
    assert name.endswith(".xlsx")


def test_content_disposition_is_rfc5987_with_ascii_fallback():
    header = content_disposition(download_filename("计算机/软件[1]学院-名单", "csv"))
    assert header.startswith('attachment; filename="')
    star = header.split("filename*=UTF-8''", 1)[1]
    assert "/" not in star and " " not in star
    assert unquote(star) == "计算机_软件[1]学院-名单.csv"
    header.encode("latin-1")  # a valid header value


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_response_with_hostile_name(fmt):
    response = export_response(fmt, "计算机/学院[一]:*?", ["姓名"], [["=1+1"]])
    assert response.status_code == 200
    assert "/" not in response["Content-Disposition"].split("filename*=", 1)[1]
