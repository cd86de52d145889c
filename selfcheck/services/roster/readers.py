"""Turn an uploaded file into rows of cells: spreadsheets through python-calamine in a
sandboxed child process, CSV in-process with encoding detection.

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
import marshal
import math
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused

logger = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("_sheet_child.py")

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


@dataclass
class Table:
    """The rows of one sheet or CSV file, read lazily."""

    rows: Iterator[tuple[int, list]]
    encoding: str = ""
    sheet: str = ""
    total_rows: int = 0
    notes: list[str] = field(default_factory=list)


def encoding_label(encoding: str) -> str:
    return ENCODINGS.get(encoding, encoding.upper()) if encoding else ""


def non_blank_rows(table: Table, parsed, progress: Callable[[int], None] | None = None) -> Iterator[tuple[int, list]]:
    """Yield ``(row number, cells)`` of the rows with any content.

    Blank rows are counted on ``parsed.blank_rows``; ``progress`` gets a percentage every
    ``limits.PROGRESS_EVERY`` rows.
    """
    total = max(table.total_rows, 1)
    for number, cells in table.rows:
        if not any(c.strip() if c.__class__ is str else c is not None for c in cells):
            parsed.blank_rows += 1
            continue
        if progress is not None and number % limits.PROGRESS_EVERY == 0:
            progress(min(number * 100 // total, 99))
        yield number, cells


@contextlib.contextmanager
def open_table(path: str | os.PathLike, fmt: str, *, encoding: str | None = None) -> Iterator[Table]:
    """Open a checked file (see ``safety.inspect_file``) as a Table; refuses what it cannot read."""
    if fmt == "csv":
        yield read_csv(path, encoding=encoding)
        return
    with _SheetProcess(path) as process:
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


# --- spreadsheets ------------------------------------------------------------------------


_OVERSIZED = (
    "读取文件时超出内存或时间限制，文件结构异常（例如含有上百万个空白单元格，或数据区域大得不合常理），已拒绝读取。"
    "请在 Excel 中只保留数据区域后另存为新文件再上传。"
)


class _ChildFailed(Exception):
    pass


class _SheetProcess:
    """The calamine child process and the frames it writes."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self.process: subprocess.Popen | None = None
        self.timed_out = False
        self._stderr = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> _SheetProcess:
        self._stderr = tempfile.TemporaryFile()
        command = [
            sys.executable, "-I", str(CHILD), self.path, str(limits.MAX_ROWS), str(limits.MAX_COLUMNS),
            str(limits.SANDBOX_MEMORY_BYTES), str(max(1, math.ceil(limits.SANDBOX_SECONDS))),
        ]  # fmt: skip
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True
            )
        except OSError:
            logger.exception("cannot start the spreadsheet reader")
            self._stderr.close()
            raise FileRefused("服务器暂时无法读取表格文件，请稍后重试或联系管理员。") from None
        self._timer = threading.Timer(limits.SANDBOX_SECONDS, self._kill)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._timer is not None:
            self._timer.cancel()
        process = self.process
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()

    def _kill(self) -> None:
        self.timed_out = True
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def _frame(self):
        stream = self.process.stdout
        header = stream.read(4)
        if len(header) < 4:
            raise _ChildFailed
        (size,) = struct.unpack("<I", header)
        payload = stream.read(size)
        if len(payload) < size:
            raise _ChildFailed
        return marshal.loads(payload)

    def _refuse_dead_child(self) -> FileRefused:
        process = self.process
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self.timed_out:
            return FileRefused(f"读取文件超过 {limits.SANDBOX_SECONDS} 秒仍未完成，文件过大或结构异常，已停止读取。")
        self._stderr.seek(0)
        detail = self._stderr.read(2000).decode("utf-8", "replace")
        code = process.returncode
        name = (
            signal.Signals(-code).name
            if code is not None and code < 0 and -code in signal.Signals._value2member_map_
            else code
        )
        logger.warning("spreadsheet reader ended with %s: %s", name, detail[-500:])
        return FileRefused(_OVERSIZED)

    def table(self) -> Table:
        table = Table(rows=iter(()))
        try:
            message = self._frame()
        except _ChildFailed:
            raise self._refuse_dead_child() from None
        if message[0] == "error":
            raise _refusal(message[1], message[2])
        meta = message[1]
        table.sheet = meta["sheet"]
        table.total_rows = meta["rows"]
        table.rows = self._rows(meta)
        return table

    def _rows(self, meta) -> Iterator[tuple[int, list]]:
        merges = _Merges(meta["merged"], meta["col_offset"]) if meta["merged"] else None
        number = 0
        while True:
            try:
                message = self._frame()
            except _ChildFailed:
                raise self._refuse_dead_child() from None
            kind = message[0]
            if kind == "end":
                return
            if kind == "error":
                raise _refusal(message[1], message[2])
            for row in message[1]:
                number += 1
                if merges is not None:
                    merges.apply(number - 1, row)
                yield number, row


def _refusal(code: str, detail: str) -> FileRefused:
    if code == "too_many_rows":
        return FileRefused(
            f"工作表共 {int(detail):,} 行（含空白行），超过上限 {limits.MAX_ROWS:,} 行。"
            "工作表中可能有大量空白单元格；请删除数据以下的空行后另存为新文件再上传。"
        )
    if code == "too_many_columns":
        return FileRefused(f"工作表共 {int(detail):,} 列，超过上限 {limits.MAX_COLUMNS} 列，请删除多余的列后再上传。")
    if code == "password":
        return FileRefused("文件设置了打开密码，请取消密码保护后重新上传。")
    if code == "empty":
        return FileRefused("文件中没有任何数据。")
    if code == "memory":
        return FileRefused("读取文件时超出内存限制，文件结构异常，已拒绝读取。")
    logger.info("spreadsheet unreadable: %s", detail)
    if "cell limit" in detail.lower():
        return FileRefused(_OVERSIZED)
    return FileRefused("文件已损坏或不完整，无法读取，请重新导出后上传。")


class _Merges:
    """Copy a merged range's value into every cell it covers (学院 merged down a group)."""

    def __init__(self, ranges, col_offset: int):
        self.starting = defaultdict(list)
        for (r0, c0), (r1, c1) in ranges:
            if r1 >= r0 and c1 >= c0 and (r1 > r0 or c1 > c0):
                self.starting[r0].append((c0 - col_offset, r1, c1 - col_offset))
        self.active: list[tuple[int, int, int, object]] = []

    def apply(self, index: int, row: list) -> None:
        if self.active:
            self.active = [merge for merge in self.active if merge[0] >= index]
            for _, i0, i1, value in self.active:
                _fill(row, i0, i1, value)
        for i0, r1, i1 in self.starting.pop(index, ()):
            value = row[i0] if 0 <= i0 < len(row) else ""
            _fill(row, i0 + 1, i1, value)
            if r1 > index:
                self.active.append((r1, i0, i1, value))


def _fill(row: list, i0: int, i1: int, value) -> None:
    for i in range(max(i0, 0), min(i1, len(row) - 1) + 1):
        if row[i] == "" or row[i] is None:
            row[i] = value
