"""Bounds on what an import may read, so a hostile file costs seconds, not the server.

Module attributes rather than settings: they are read at call time, so tests can
lower them with ``monkeypatch.setattr``.
"""

from __future__ import annotations

# Physical rows of a sheet or CSV, blank ones included; a roster of a whole school
# fits many times over.
MAX_ROWS = 200_000
MAX_COLUMNS = 256
# The header row is looked for among the first rows (title rows sit above it).
HEADER_SCAN_ROWS = 30

# Zip containers (.xlsx, .ods): checked from the central directory before parsing.
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_UNCOMPRESSED = 400 * 1024 * 1024
# Real sheets compress 8-30 times; a zip bomb compresses a thousand times.
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_SIZE = 8 * 1024 * 1024

# The spreadsheet parser runs in a child process under these limits.
SANDBOX_MEMORY_BYTES = 1024 * 1024 * 1024
SANDBOX_SECONDS = 60

# At most this many row errors (and as many warnings) are kept while reading a file,
# and fewer on a RosterImport; the counts stay exact.
MAX_PROBLEMS = 50_000
MAX_STORED_PROBLEMS = 20_000
# Field-by-field differences and missing students kept for the preview.
PREVIEW_SAMPLE = 200
# Identity changes are accepted one by one, so the preview lists this many of them.
IDENTITY_SHOWN = 1000
# Groups of identical problems kept for the preview (each with its first rows).
GROUPS_SHOWN = 200

# Rows between two progress updates.
PROGRESS_EVERY = 5_000
