"""Refuse hostile or mislabelled files before any parser sees them.

Checks, cheapest first: the extension is one we read, the size is under the upload
limit, the first bytes match the extension, and for zip containers (.xlsx, .ods) the
central directory promises a sane amount of data, every XML part is plain UTF-8 with
no DOCTYPE or ENTITY declaration, and every part decompresses to what it promised
(CRC checked). Whatever slips through still meets the sandboxed parser in
``readers``.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused

FORMATS = {".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WHAT = {
    "zip": "Excel 2007 及以上（.xlsx）或其他压缩包",
    "ole": "旧版 Excel（.xls）或加密的 Excel 文件",
    "html": "网页（HTML）",
    "xml": "XML 文件（可能是 Excel 2003 XML 表格）",
    "pdf": "PDF 文档",
    "binary": "二进制文件",
    "text": "纯文本（CSV）",
    "empty": "空文件",
}
_FORMAT_LABEL = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "csv": ".csv"}
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def format_of(name: str) -> str:
    """The format an upload claims by its extension; refuses extensions we do not read."""
    extension = Path(name).suffix.lower()
    try:
        return FORMATS[extension]
    except KeyError:
        shown = extension or "（无扩展名）"
        raise FileRefused(f"不支持的文件类型 {shown}，请上传 .xlsx、.xls、.ods 或 .csv 文件。") from None


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size, 1) / 1024:.0f} KB"


def check_size(size: int, limit: int) -> None:
    if size <= 0:
        raise FileRefused("文件是空的。")
    if size > limit:
        raise FileRefused(f"文件大小 {human_size(size)} 超过上限 {human_size(limit)}。")


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is."""
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with a byte-order mark
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"<?xml") and b"<html" not in stripped[:2048]:
        return "xml"
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")) or (
        stripped.startswith(b"<") and (b"<table" in stripped or b"<html" in stripped)
    ):
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


def inspect_file(path: str | os.PathLike, name: str, *, size_limit: int) -> str:
    """Check a stored upload; return its format ("xlsx", "xls", "ods", "csv") or refuse it."""
    fmt = format_of(name)
    check_size(os.path.getsize(path), size_limit)
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    actual = sniff(head)
    expected = {"xlsx": "zip", "ods": "zip", "xls": "ole", "csv": "text"}[fmt]
    if actual != expected:
        raise FileRefused(_mismatch(fmt, actual))
    if actual == "zip":
        inspect_zip(path, fmt)
    return fmt


def _mismatch(fmt: str, actual: str) -> str:
    label = _FORMAT_LABEL[fmt]
    if actual == "empty":
        return "文件是空的。"
    advice = "请用 Excel 打开后“另存为” .xlsx 文件再上传。"
    if fmt == "xls" and actual == "html":
        return f"文件扩展名是 .xls，但内容是网页（HTML）表格，不是真正的 Excel 文件。{advice}"
    if fmt == "xlsx" and actual == "ole":
        return "文件扩展名是 .xlsx，但内容是旧版 .xls 格式或设置了打开密码的 Excel 文件。请取消密码保护，用 Excel 打开后“另存为” .xlsx 文件再上传。"
    return f"文件扩展名是 {label}，但内容是{_WHAT[actual]}，与扩展名不符，已拒绝读取。"


def inspect_zip(path: str | os.PathLike, fmt: str) -> None:
    """Central directory first (sizes, ratios, encryption), then stream every XML part once."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("文件不完整或已损坏（压缩包结构无法读取），请重新导出后上传。") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.ZIP_MAX_MEMBERS:
            raise FileRefused(f"文件内部包含 {len(members)} 个部件，超过上限，疑似恶意构造的文件，已拒绝读取。")
        total = sum(member.file_size for member in members)
        if total > limits.ZIP_MAX_UNCOMPRESSED:
            raise FileRefused(
                f"文件解压后大小为 {human_size(total)}，超过上限 {human_size(limits.ZIP_MAX_UNCOMPRESSED)}，"
                "疑似“压缩炸弹”，已拒绝读取。"
            )
        for member in members:
            if member.flag_bits & 0x1:
                raise FileRefused("文件已加密（设置了密码），请取消密码保护后重新上传。")
            if member.file_size >= limits.ZIP_RATIO_MIN_SIZE and (
                member.compress_size == 0 or member.file_size / member.compress_size > limits.ZIP_MAX_RATIO
            ):
                raise FileRefused(
                    f"文件中的 {member.filename} 压缩比异常（{member.file_size // max(member.compress_size, 1)} 倍），"
                    "疑似“压缩炸弹”，已拒绝读取。"
                )
        names = {member.filename for member in members}
        _check_kind(archive, names, fmt)
        for member in members:
            if member.filename.endswith((".xml", ".rels")) or member.filename == "mimetype":
                _scan_xml_part(archive, member)


def _check_kind(archive: zipfile.ZipFile, names: set[str], fmt: str) -> None:
    if fmt == "xlsx":
        if "xl/workbook.xml" in names:
            return
        if "content.xml" in names:
            raise FileRefused("文件扩展名是 .xlsx，但内容是 OpenDocument 表格（.ods），与扩展名不符，已拒绝读取。")
        if "word/document.xml" in names:
            raise FileRefused("文件扩展名是 .xlsx，但内容是 Word 文档，与扩展名不符，已拒绝读取。")
        raise FileRefused("文件扩展名是 .xlsx，但其中没有 Excel 工作簿，不是有效的 Excel 文件。")
    if "xl/workbook.xml" in names:
        raise FileRefused("文件扩展名是 .ods，但内容是 Excel（.xlsx）文件，与扩展名不符，已拒绝读取。")
    if "content.xml" not in names:
        raise FileRefused("文件扩展名是 .ods，但其中没有表格内容，不是有效的 OpenDocument 表格。")
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"spreadsheet" not in mimetype:
            raise FileRefused("文件扩展名是 .ods，但内容不是 OpenDocument 表格（可能是文本文档或演示文稿）。")


def _scan_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Read one part to its end: refuse DOCTYPE/ENTITY, non-UTF-8 XML, and bad CRCs.

    ``zipfile`` stops at the size the directory declares and then checks the CRC, so a
    part that lies about its size fails here after at most that many bytes.
    """
    carry = b""
    first = True
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                if first:
                    first = False
                    start = chunk[:4]
                    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in start:
                        raise FileRefused(f"文件中的 {member.filename} 不是 UTF-8 编码的 XML，已拒绝读取。")
                window = carry + chunk
                if any(marker in window for marker in _DECLARATIONS):
                    raise FileRefused(
                        f"文件中的 {member.filename} 含有 XML 实体声明（DOCTYPE/ENTITY），"
                        "这是“XML 实体炸弹”等攻击的手法，已拒绝读取。"
                    )
                carry = window[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise FileRefused("文件不完整或已损坏（内部数据校验失败），请重新导出后上传。") from None
