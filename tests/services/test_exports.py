"""Exports write text cells that can never become formulas."""

import io

from openpyxl import load_workbook

from selfcheck.services.exports import iter_csv, render_xlsx, safe_text


def test_formula_like_text_is_neutralised():
    for payload in ('=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_text(payload).startswith("'")
    assert safe_text("张三") == "张三"


def test_xlsx_export_never_contains_formulas():
    content = render_xlsx(["姓名", "备注"], [["张三", "=1+1"], ["李四", 5]])
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [["姓名", "备注"], ["张三", "'=1+1"], ["李四", 5]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_export_starts_with_a_bom_and_neutralises_formulas():
    text = "".join(iter_csv(["姓名", "备注"], [["张三", "@SUM(A1)"]]))
    assert text.startswith("\ufeff姓名,备注")
    assert "'@SUM(A1)" in text
