"""Turn an uploaded file into rows of cells: spreadsheets through python-calamine in a
sandboxed child process (``sheets``), CSV in-process with encoding detection.

Rows come out as ``(row_number, cells)`` with 1-based row numbers as staff see them
in Excel. Cells are ``str``, ``float``, ``int`` or ``bool``; spreadsheet dates arrive
as ISO strings (``2006-05-12`` or ``2006-05-12T00:00:00``).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import os
from collections.abc import Callable, Iterator

from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.sheets import SheetProcess
from selfcheck.services.roster.table import Table

logger = logging.getLogger(__name__)


# Encodings staff can choose for CSV; the key is the Python codec.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（带 BOM）",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "utf-16": "UTF-16",
    "big5": "Big5",
}
_DELIMITERS = (",", "\t", ";", "|")


def encoding_label(encoding: str) -> str:
    return ENCODINGS.get(encoding, encoding.upper()) if encoding else ""


def non_blank_rows(table: Table, parsed, progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, list]]:
    """Yield ``(row number, cells)`` of the rows with any content.

    Blank rows are counted on ``parsed.blank_rows``; ``progress`` gets a percentage every
    ``limits.PROGRESS_EVERY`` rows.
    """
    total = max(table.total_rows, 1)
    for number, cells in table.rows:
        first = cells[0] if cells else None
        if not (first.__class__ is str and first.strip()) and not any(
            c.strip() if c.__class__ is str else c is not None for c in cells
        ):
            parsed.blank_rows += 1
            continue
        if progress is not None and number % limits.PROGRESS_EVERY == 0:
            progress(min(number * 100 // total, 99))
        yield number, cells


@contextlib.contextmanager
def open_table(
    path: str | os.PathLike, fmt: str, *, encoding: str | None = None, sheet: str | None = None,
    header_keys: tuple[str, ...] = (), minimum: int = 1, meanwhile: Callable[[], None] | None = None,
) -> Iterator[Table]:  # fmt: skip
    """Open a checked file (see ``safety.inspect_file``) as a Table; refuses what it cannot read.

    A workbook is read from ``sheet`` if named, otherwise from the visible sheet whose
    header names the most of ``header_keys`` (folded column spellings). ``meanwhile`` is
    called while the reader process parses the workbook (work that does not need the rows).
    """
    if fmt == "csv":
        if meanwhile is not None:
            meanwhile()
        yield read_csv(path, encoding=encoding)
        return
    wanted = {"sheet": sheet, "keys": list(header_keys), "minimum": minimum, "scan": limits.HEADER_SCAN_ROWS}
    with SheetProcess(path, wanted) as process:
        if meanwhile is not None:
            meanwhile()
        yield process.table()


# --- CSV -----------------------------------------------------------------------------


def decode_csv(data: bytes, override: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the codec that decoded it.

    Detection: a byte-order mark decides; otherwise strict UTF-8, then GBK, then GB18030
    (what Chinese Excel writes). An override is applied strictly: a wrong choice is an
    error naming the line, not mojibake in the database.
    """
    if override:
        codec = override
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileRefused(
                f"文件无法按 {encoding_label(override)} 编码读取（第 {line} 行附近有无效字符），请改选其他编码或自动检测。"
            ) from None
        except LookupError:
            raise FileRefused(f"不支持的编码：{override}。") from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gbk", "gb18030")
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise FileRefused("无法识别文件的字符编码（不是 UTF-8，也不是 GBK/GB18030），请在上传时指定编码。")


def _delimiter(text: str) -> str:
    lines = [line for line in text[:65536].splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: str | os.PathLike, *, encoding: str | None = None) -> Table:
    with open(path, "rb") as handle:
        data = handle.read()
    text, codec = decode_csv(data, encoding)
    del data
    if "\x00" in text:
        raise FileRefused("文件含有空字符（NUL），不是文本格式的 CSV 文件，已拒绝读取。")
    total = text.count("\n") + 1
    if total > limits.MAX_ROWS + 1:
        raise FileRefused(
            f"文件共 {total:,} 行（含空行），超过上限 {limits.MAX_ROWS:,} 行；请删除多余的空行或分多个文件上传。"
        )
    delimiter = _delimiter(text)
    return Table(rows=_csv_rows(text, delimiter), encoding=codec, total_rows=total)


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    max_columns = limits.MAX_COLUMNS
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > max_columns:
                while row and not row[-1].strip():
                    row.pop()
                if len(row) > max_columns:
                    raise FileRefused(f"第 {number} 行有 {len(row):,} 列，超过上限 {max_columns} 列，已拒绝读取。")
            yield number, row
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式错误（第 {number + 1} 行附近）：{exc}") from None
