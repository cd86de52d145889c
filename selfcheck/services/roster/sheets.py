"""Spreadsheets (.xlsx, .xls, .ods) read by python-calamine in a child process with
memory and time limits, so a hostile file cannot take the web or worker process down."""

from __future__ import annotations

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
from collections.abc import Iterator
from pathlib import Path

from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import FileRefused
from selfcheck.services.roster.table import Table

logger = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("_sheet_child.py")


_OVERSIZED = (
    "读取文件时超出内存或时间限制，文件结构异常（例如含有上百万个空白单元格，或数据区域大得不合常理），已拒绝读取。"
    "请在 Excel 中只保留数据区域后另存为新文件再上传。"
)


class _ChildFailed(Exception):
    pass


class SheetProcess:
    """The calamine child process and the frames it writes."""

    def __init__(self, path, wanted: dict | None = None):
        self.path = os.fspath(path)
        self.wanted = wanted or {}
        self.process: subprocess.Popen | None = None
        self.timed_out = False
        self._stderr = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> SheetProcess:
        self._stderr = tempfile.TemporaryFile()
        command = [
            sys.executable, "-I", str(CHILD), self.path, str(limits.MAX_ROWS), str(limits.MAX_COLUMNS),
            str(limits.SANDBOX_MEMORY_BYTES), str(max(1, math.ceil(limits.SANDBOX_SECONDS))),
        ]  # fmt: skip
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True
            )
            request = marshal.dumps(self.wanted)
            self.process.stdin.write(struct.pack("<I", len(request)) + request)
            self.process.stdin.close()
        except OSError:  # BrokenPipeError included
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
        table.sheets = [tuple(item) for item in meta.get("sheets", ())]
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
    if code == "no_sheet":
        names = "、".join(name for name in detail.split("\t") if name) or "—"
        return FileRefused(f"文件中没有指定的工作表（可选的工作表：{names}）。")
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
