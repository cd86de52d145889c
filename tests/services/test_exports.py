"""Exports write text cells that can never become formulas, laid out to open well in Excel."""

import io
from datetime import date, datetime
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
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


def test_the_sheet_is_laid_out_for_excel():
    rows = [["202600000001", "张三", date(2007, 5, 12), datetime(2026, 10, 30, 14, 5), 13800138000, 3]]
    content = render_xlsx(["学号", "姓名", "出生日期", "核对时间", "联系电话", "人数"], rows)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["A"] >= 14 and widths["C"] >= 10 and widths["D"] >= 16  # no "####"
    student_no, _name, born, checked, phone, count = sheet[2]
    assert (student_no.value, student_no.data_type, student_no.number_format) == ("202600000001", "s", "@")
    assert (phone.value, phone.data_type, phone.number_format) == ("13800138000", "s", "@")
    assert born.is_date and born.number_format == "yyyy-mm-dd" and born.value.date() == date(2007, 5, 12)
    assert checked.is_date and checked.number_format == "yyyy-mm-dd hh:mm"
    assert count.value == 3 and count.data_type == "n"


def test_wide_chinese_text_widens_its_column_up_to_a_limit():
    content = render_xlsx(["学院", "备注"], [["人工智能与大数据学院", "长" * 200]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.column_dimensions["A"].width >= 20
    assert sheet.column_dimensions["B"].width == 60


def test_an_empty_export_still_has_a_filterable_header():
    sheet = load_workbook(io.BytesIO(render_xlsx(["学号", "姓名"], []))).active
    assert sheet.auto_filter.ref == "A1:B1" and sheet.freeze_panes == "A2"


@pytest.mark.django_db
def test_export_file_names_carry_the_campaign_name_and_the_date(client, registrar, campaign, student_a):
    client.force_login(registrar)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = client.get(reverse("campaign_export", args=[campaign.slug, "checks"]), {"format": "xlsx"})
    assert quote(f"{campaign.name}-学生名单-{stamp}.xlsx") in response["Content-Disposition"]
    response = client.get(reverse("college_export", args=[campaign.slug, student_a.college.code]), {"format": "csv"})
    assert quote(f"{campaign.name}-{student_a.college.name}-") in response["Content-Disposition"]
    assert quote(f"-{stamp}.csv") in response["Content-Disposition"]
