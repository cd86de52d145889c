"""Child process that parses one spreadsheet with python-calamine under hard limits.

Run as ``python -I _sheet_child.py PATH MAX_ROWS MAX_COLUMNS MEMORY_BYTES CPU_SECONDS``.
It imports nothing but the standard library and python_calamine, caps its own
address space and CPU time, reads one ``marshal`` frame from stdin
``{"sheet": name or None, "keys": [folded header spellings], "minimum": n, "scan": rows}``
and writes length-prefixed ``marshal`` frames to stdout:

    ("meta", {"sheet": str, "sheets": [(name, score), ...], "rows": int, "columns": int,
              "col_offset": int, "merged": [...]})
    ("rows", [[cell, ...], ...])        # repeated; dates arrive as ISO strings
    ("end", rows_sent)
    ("error", code, detail)             # instead of the rest

Calamine allocates a sheet's whole rectangle at once; a file with one cell in A1 and
one in XFD1048576 makes it ask for hundreds of gigabytes and abort the process.
Here that kills only this child, and the parent refuses the file.
"""

import itertools
import marshal
import re
import resource
import struct
import sys
import unicodedata

_PLAIN = {str, float, int, bool}


def _send(out, message) -> None:
    data = marshal.dumps(message)
    out.write(struct.pack("<I", len(data)))
    out.write(data)


def _other(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


_NOTE = re.compile(r"[(\[【（][^()\[\]【】（）]*[)\]】）]$")
_DROP = re.compile(r"[\s_\-*:：#]+")


def _fold(value) -> str:
    """Roughly ``headers.header_key``: enough to score a sheet; the parent maps the header."""
    text = unicodedata.normalize("NFKC", value).strip() if value.__class__ is str else ""
    if len(text) > 2:
        text = _NOTE.sub("", text)
    return _DROP.sub("", text).lower()


def _score(sheet, keys, scan: int) -> int:
    """The most known column names on any of the sheet's first ``scan`` rows."""
    best = 0
    for row in itertools.islice(sheet.iter_rows(), scan):
        found = {_fold(cell) for cell in row if cell.__class__ is str and cell} & keys
        best = max(best, len(found))
    return best


def _pick_sheet(workbook, python_calamine, wanted: dict):
    """The sheet asked for by name; otherwise the visible worksheet whose header names
    the most known columns (the first one on a tie). Hidden sheets are skipped unless
    no visible one has data. Returns (sheet or None, [(name, score)] of the visible ones)."""
    metadata = list(workbook.sheets_metadata)
    visible = python_calamine.SheetVisibleEnum.Visible
    worksheet = python_calamine.SheetTypeEnum.WorkSheet
    shown = [i for i, m in enumerate(metadata) if m.visible == visible and m.typ == worksheet]
    if wanted.get("sheet") is not None:
        names = [m.name for m in metadata]
        if wanted["sheet"] not in names:
            return None, [(metadata[i].name, -1) for i in shown]
        sheet = workbook.get_sheet_by_name(wanted["sheet"])
        return sheet, [(metadata[i].name, -1) for i in shown]
    keys = set(wanted.get("keys") or ())
    scan = int(wanted.get("scan") or 30)
    scores = []
    best = first = None
    best_score = 0
    for index in shown[:20]:
        sheet = workbook.get_sheet_by_index(index)
        has_data = sheet.end is not None and sheet.height > 0
        score = _score(sheet, keys, scan) if has_data and keys else 0
        scores.append((metadata[index].name, score))
        if has_data and first is None:
            first = sheet
        if score > best_score:
            best, best_score = sheet, score
        del sheet
    if best is not None and best_score >= int(wanted.get("minimum") or 1):
        return best, scores
    if first is not None:
        return first, scores
    for index in [i for i in range(len(metadata)) if i not in shown][:20]:
        sheet = workbook.get_sheet_by_index(index)
        if sheet.end is not None and sheet.height > 0:
            return sheet, scores
    return (workbook.get_sheet_by_index(shown[0]) if shown else None), scores


def _read_wanted(stream) -> dict:
    header = stream.read(4)
    if len(header) < 4:
        return {}
    (size,) = struct.unpack("<I", header)
    return marshal.loads(stream.read(size))


def main(argv) -> int:
    path = argv[1]
    max_rows, max_columns, memory, seconds = (int(value) for value in argv[2:6])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    out = sys.stdout.buffer
    try:
        wanted = _read_wanted(sys.stdin.buffer)
    except (ValueError, EOFError, TypeError):
        wanted = {}
    try:
        import python_calamine

        workbook = python_calamine.CalamineWorkbook.from_path(path)
        sheet, scores = _pick_sheet(workbook, python_calamine, wanted)
    except MemoryError:
        _send(out, ("error", "memory", ""))
        return 3
    except Exception as exc:  # calamine raises its own errors and plain ones for broken files
        code = "password" if type(exc).__name__ == "PasswordError" else "unreadable"
        _send(out, ("error", code, f"{type(exc).__name__}: {exc}"[:500]))
        return 3
    if sheet is None and wanted.get("sheet") is not None:
        _send(out, ("error", "no_sheet", "\t".join(name for name, _ in scores)))
        return 0
    if sheet is None or sheet.end is None:
        _send(out, ("error", "empty", ""))
        return 0
    rows = sheet.end[0] + 1  # iter_rows starts at the sheet's first row, blank or not
    columns = sheet.width
    if rows > max_rows:
        _send(out, ("error", "too_many_rows", str(rows)))
        return 0
    if columns > max_columns:
        _send(out, ("error", "too_many_columns", str(columns)))
        return 0
    try:
        merged = sheet.merged_cell_ranges or []
    except Exception:
        merged = []
    merged = [(tuple(a), tuple(b)) for a, b in merged[:50_000]]
    _send(
        out,
        (
            "meta",
            {
                "sheet": sheet.name,
                "sheets": scores,
                "rows": rows,
                "columns": columns,
                "col_offset": sheet.start[1],
                "merged": merged,
            },
        ),
    )
    other = _other
    # Rows of a roster share a few shapes (which cells are dates, which blank); the
    # positions needing conversion are worked out once per shape, not once per cell.
    shapes: dict[tuple, list[int]] = {}
    texts = {}  # dates repeat (birth dates, 入学日期): each one is formatted once
    batch = []
    sent = 0
    try:
        for row in sheet.iter_rows():
            shape = tuple(map(type, row))
            convert = shapes.get(shape)
            if convert is None:
                if len(shapes) > 4096:
                    shapes.clear()
                convert = shapes[shape] = [i for i, kind in enumerate(shape) if kind not in _PLAIN]
            for i in convert:
                value = row[i]
                text = texts.get(value)
                if text is None:
                    text = other(value)
                    if len(texts) < 100_000:
                        texts[value] = text
                row[i] = text
            batch.append(row)
            if len(batch) >= 2000:
                _send(out, ("rows", batch))
                sent += len(batch)
                batch = []
        if batch:
            _send(out, ("rows", batch))
            sent += len(batch)
    except MemoryError:
        _send(out, ("error", "memory", ""))
        return 3
    _send(out, ("end", sent))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
