"""Builders for test data that obeys the domain's rules: people, students and checks,
and the roster files (xlsx, xls, ods, csv) that imports read."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook

from selfcheck.counters import counts_rebuild, counts_rebuild_for_students
from selfcheck.demo import resident_id
from selfcheck.models import Campaign, Check, College, Student

PASSWORD = "Pa55word-for-tests"
_serial = iter(range(1, 10**6))


def make_student(
    college: College,
    *,
    student_no: str | None = None,
    name: str = "王五",
    birth: date = date(2007, 1, 1),
    gender: str = "M",
    **fields,
) -> Student:
    n = next(_serial)
    values = {
        "student_no": student_no or f"2026{n:06d}",
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "id_number": resident_id("110105", birth, n % 500, gender),
        "college": college,
        "major": "软件工程",
        "major_code": "080902",
        "class_name": "软件2601",
        "level": "bk",
        "duration": Decimal("4"),
        "enrolled_on": date(2026, 9, 1),
        "cohort": 2026,
        "ethnicity": "汉族",
        "phone": "13800138000",
    }
    values.update(fields)
    return Student.objects.create(**values)


def make_check(campaign: Campaign, student: Student, **fields) -> Check:
    """A check of ``student`` in ``campaign``, carrying the student's college and counted
    on the dashboards, as the services do."""
    check = Check.objects.create(campaign=campaign, student=student, college_id=student.college_id, **fields)
    counts_rebuild([campaign.pk])
    return check


def at_hour(day: date, hour: int = 12) -> datetime:
    """``day`` at ``hour`` o'clock in the portal's time zone."""
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def set_status(student: Student, status: str, *, completed: datetime | None = None, **fields) -> None:
    """Put every check of ``student`` in ``status`` directly, as an import would (and,
    like one, recount the dashboards)."""
    Check.objects.filter(student=student).update(status=status, completed_at=completed, **fields)
    counts_rebuild_for_students([student.pk])


def grow_school(campaign: Campaign, college_a: College, college_b: College, n: int) -> None:
    """``n`` more students over two colleges, five classes and three majors, in every status."""
    for i in range(n):
        student = make_student(college_a if i % 2 else college_b, class_name=f"软件26{i % 5:02d}", major=f"专业{i % 3}")
        status = [Check.Status.PENDING, Check.Status.CONFIRMED, Check.Status.BLOCKED, Check.Status.MISSING][i % 4]
        make_check(
            campaign, student, status=status, set_at=timezone.now(),
            blocked_reason="other" if status == Check.Status.BLOCKED else "",
            completed_at=timezone.now() if status == Check.Status.CONFIRMED else None,
        )  # fmt: skip


# --- roster files ---------------------------------------------------------------------------

HEADER = [
    "学号", "考生号", "姓名", "性别", "出生日期", "民族", "证件类型", "证件号码",
    "学院", "专业", "专业代码", "班级", "层次", "学制", "入学日期", "预计毕业日期",
]  # fmt: skip


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


def png_bytes(width: int = 4, height: int = 4, color=(200, 30, 30)) -> bytes:
    """A tiny real PNG made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def file_correction(check, *, changes=None, cause="school_error", kind="id_card", files=None, **kwargs):
    """A correction request filed by the check's student through the service."""
    from selfcheck.services import evidence
    from selfcheck.services.correction_filing import correction_file

    if files is None:
        files = [evidence.inspect(upload("id.png", png_bytes()))]
    return correction_file(
        check,
        by=check.student.user,
        cause=cause,
        explanation=kwargs.pop("explanation", "身份证与学籍不符"),
        changes=changes or {"ethnicity": "回族"},
        files=files,
        evidence_kind=kind,
        **kwargs,
    )
