"""Hostile and broken files: each is refused with a clear reason, nothing is written,
the parser never takes the process down. (No timing assertions: the bounds are the
limits in ``selfcheck.services.roster.limits`` and the sandboxed parser.)"""

from __future__ import annotations

import struct
import zipfile

import pytest

from selfcheck.models import RosterImport, Student
from selfcheck.services.roster import limits, roster_import_run
from tests.factories import student, table, write_xls, write_xlsx

pytestmark = pytest.mark.django_db

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def raw_xlsx(path, sheet_data: str = "", *, prolog: str = "", sheet_chunks=None):
    """An xlsx written part by part, so a test can put anything in the sheet XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>').encode()
            )  # fmt: skip
            for chunk in sheet_chunks or [sheet_data.encode()]:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def refused(tmp_path, path, campaign):
    outcome = roster_import_run(path, campaign=campaign)
    assert outcome.refused, outcome
    assert not outcome.committed and not Student.objects.exists() and not RosterImport.objects.exists()
    assert outcome.errors and outcome.errors[0].message == outcome.refused
    return outcome.refused


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("roster.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("roster.xlsx", "学号,姓名\n1,张三\n".encode(), "纯文本"),
        ("roster.xls", b"<html><body><table><tr><td>\xe5\xad\xa6\xe5\x8f\xb7</td></tr></table></body></html>", "网页"),
        ("roster.csv", b"PK\x03\x04" + b"\x00" * 200, "Excel 2007"),
        ("roster.csv", b"\x00\x01\x02\x03binary\x00stuff", "二进制"),
        ("roster.ods", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Excel"),
        ("roster.pdf", b"%PDF-1.7", "不支持的文件类型 .pdf"),
        ("roster.xlsx", b"", "空"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(tmp_path, campaign, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    assert says in refused(tmp_path, path, campaign)


def test_an_xlsx_renamed_xls_and_an_encrypted_workbook_are_told_apart(tmp_path, campaign, college_a):
    xlsx = write_xlsx(tmp_path / "roster.xlsx", table([student(1)]))
    renamed = tmp_path / "roster.xls"
    renamed.write_bytes(xlsx.read_bytes())
    assert "与扩展名不符" in refused(tmp_path, renamed, campaign)
    locked = write_xls(tmp_path / "locked.xls", table([student(1)]))
    disguised = tmp_path / "locked.xlsx"
    disguised.write_bytes(locked.read_bytes())
    assert "密码" in refused(tmp_path, disguised, campaign)


def test_a_word_document_named_xlsx_is_refused(tmp_path, campaign):
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert "Word" in refused(tmp_path, path, campaign)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_truncated_archive_is_refused(tmp_path, campaign, college_a, keep):
    rows = table([student(n) for n in range(1, 200)])
    data = write_xlsx(tmp_path / "full.xlsx", rows).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    assert "不完整或已损坏" in refused(tmp_path, path, campaign)


def test_a_corrupted_legacy_workbook_is_refused(tmp_path, campaign):
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 5000)
    assert "损坏" in refused(tmp_path, path, campaign)


def test_an_xml_entity_bomb_is_refused_before_parsing(tmp_path, campaign):
    entities = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(10))
        + "]>"
    )
    path = raw_xlsx(tmp_path / "bomb.xlsx", f'<row r="1">{cell("A1", "&lol9;")}</row>', prolog=entities)
    assert "XML 实体" in refused(tmp_path, path, campaign)


def test_an_entity_declaration_hidden_after_a_long_prolog_is_still_found(tmp_path, campaign):
    prolog = "<!--" + " " * (3 * 1024 * 1024) + '--><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = raw_xlsx(tmp_path / "xxe.xlsx", f'<row r="1">{cell("A1", "&e;")}</row>', prolog=prolog)
    assert "XML 实体" in refused(tmp_path, path, campaign)


def test_a_zip_bomb_is_refused_from_its_central_directory(tmp_path, campaign):
    megabyte = b" " * (1024 * 1024)
    path = raw_xlsx(tmp_path / "bomb.xlsx", sheet_chunks=[megabyte] * 40)  # 40 MB of spaces in ~40 KB
    assert "压缩炸弹" in refused(tmp_path, path, campaign)


def test_a_file_that_unpacks_past_the_total_limit_is_refused(tmp_path, campaign, monkeypatch):
    monkeypatch.setattr(limits, "ZIP_MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    rows = "".join(f'<row r="{n}">{cell(f"A{n}", "x" * 40)}</row>' for n in range(1, 40_000))
    path = raw_xlsx(tmp_path / "big.xlsx", rows)
    assert "解压后大小" in refused(tmp_path, path, campaign)


def test_a_part_that_lies_about_its_size_is_refused(tmp_path, campaign, college_a):
    data = bytearray(write_xlsx(tmp_path / "real.xlsx", table([student(n) for n in range(1, 50)])).read_bytes())
    directory = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml") + 1)
    assert directory > 0
    struct.pack_into("<I", data, directory + 24, 100)  # the sheet claims to unpack to 100 bytes
    path = tmp_path / "lying.xlsx"
    path.write_bytes(bytes(data))
    assert "损坏" in refused(tmp_path, path, campaign)


def test_xml_in_utf16_is_refused(tmp_path, campaign):
    path = tmp_path / "utf16.xlsx"
    raw_xlsx(path, f'<row r="1">{cell("A1", "学号")}</row>')
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].decode().encode("utf-16")
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert "UTF-8" in refused(tmp_path, path, campaign)


def test_a_sheet_spanning_billions_of_blank_cells_is_refused_by_the_sandboxed_parser(tmp_path, campaign):
    # One value in A1 and one in the last cell: the parser would allocate the whole
    # 1,048,576 × 16,384 rectangle. In the sandbox that only ends the child process.
    corner = f'<row r="1">{cell("A1", "学号")}</row><row r="1048576">{cell("XFD1048576", "x")}</row>'
    path = raw_xlsx(tmp_path / "sparse.xlsx", corner)
    assert "超出内存或时间限制" in refused(tmp_path, path, campaign)


def test_an_ods_repeating_one_cell_over_the_whole_sheet_is_refused(tmp_path, campaign):
    from tests.factories import write_ods

    path = write_ods(tmp_path / "bomb.ods", [["学号"]])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b"<table:table-row>",
        b'<table:table-row table:number-rows-repeated="1048576">'
        b'<table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p>'
        b"</table:table-cell></table:table-row><table:table-row>",
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert "超出内存或时间限制" in refused(tmp_path, path, campaign)


def test_a_sheet_with_more_rows_than_the_limit_is_refused(tmp_path, campaign, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 1_000)
    blanks = "".join(f'<row r="{n}">{cell(f"A{n}", "")}</row>' for n in range(2, 5_001))
    path = raw_xlsx(tmp_path / "blank.xlsx", f'<row r="1">{cell("A1", "学号")}</row>' + blanks)
    message = refused(tmp_path, path, campaign)
    assert "5,000 行" in message and "空白" in message


def test_a_parser_that_runs_too_long_is_stopped(tmp_path, campaign, college_a, monkeypatch):
    monkeypatch.setattr(limits, "SANDBOX_SECONDS", 0.001)
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(1)]))
    assert "秒" in refused(tmp_path, path, campaign)


def test_a_file_over_the_upload_limit_is_refused(tmp_path, campaign, college_a, settings):
    settings.SELFCHECK_UPLOAD_LIMIT = 4096
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(n) for n in range(1, 100)]))
    assert "超过上限" in refused(tmp_path, path, campaign)


def test_the_hostile_file_fails_the_import_record_instead_of_raising(
    tmp_path, campaign, registrar, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selfcheck.services import roster
    from selfcheck.tasks import imports as tasks

    corner = f'<row r="1">{cell("A1", "学号")}</row><row r="1048576">{cell("XFD1048576", "x")}</row>'
    path = raw_xlsx(tmp_path / "sparse.xlsx", corner)
    with django_capture_on_commit_callbacks(execute=True):
        record = roster.roster_import_create(
            upload=SimpleUploadedFile("sparse.xlsx", path.read_bytes()), campaign=campaign,
            kind=RosterImport.Kind.ROSTER, user=registrar, queue=tasks.queue_validation,
        )  # fmt: skip
    record.refresh_from_db()
    assert record.state == RosterImport.State.FAILED and "超出内存或时间限制" in record.message
