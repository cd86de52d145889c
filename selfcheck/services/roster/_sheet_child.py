"""Child process that parses one spreadsheet with python-calamine under hard limits.

Run as ``python -I _sheet_child.py PATH MAX_ROWS MAX_COLUMNS MEMORY_BYTES CPU_SECONDS``.
It imports nothing but the standard library and python_calamine, caps its own
address space and CPU time, and writes length-prefixed ``marshal`` frames to stdout:

    ("meta", {"sheet": str, "rows": int, "columns": int, "col_offset": int, "merged": [...]})
    ("rows", [[cell, ...], ...])        # repeated; dates arrive as ISO strings
    ("end", rows_sent)
    ("error", code, detail)             # instead of the rest

Calamine allocates a sheet's whole rectangle at once; a file with one cell in A1 and
one in XFD1048576 makes it ask for hundreds of gigabytes and abort the process.
Here that kills only this child, and the parent refuses the file.
"""

import marshal
import resource
import struct
import sys

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


def _pick_sheet(workbook, python_calamine):
    """The first visible worksheet with data; hidden ones only when no visible one has any."""
    metadata = list(workbook.sheets_metadata)
    visible = python_calamine.SheetVisibleEnum.Visible
    worksheet = python_calamine.SheetTypeEnum.WorkSheet
    order = [i for i, m in enumerate(metadata) if m.visible == visible and m.typ == worksheet]
    order += [i for i, m in enumerate(metadata) if i not in order]
    first = None
    for index in order[:20]:
        sheet = workbook.get_sheet_by_index(index)
        if first is None:
            first = sheet
        if sheet.end is not None and sheet.height > 0:
            return sheet
    return first


def main(argv) -> int:
    path = argv[1]
    max_rows, max_columns, memory, seconds = (int(value) for value in argv[2:6])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    out = sys.stdout.buffer
    try:
        import python_calamine

        workbook = python_calamine.CalamineWorkbook.from_path(path)
        sheet = _pick_sheet(workbook, python_calamine)
    except MemoryError:
        _send(out, ("error", "memory", ""))
        return 3
    except Exception as exc:  # calamine raises its own errors and plain ones for broken files
        code = "password" if type(exc).__name__ == "PasswordError" else "unreadable"
        _send(out, ("error", code, f"{type(exc).__name__}: {exc}"[:500]))
        return 3
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
            {"sheet": sheet.name, "rows": rows, "columns": columns, "col_offset": sheet.start[1], "merged": merged},
        ),
    )
    plain = _PLAIN
    other = _other
    batch = []
    sent = 0
    try:
        for row in sheet.iter_rows():
            batch.append([value if value.__class__ in plain else other(value) for value in row])
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
