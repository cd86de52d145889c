"""Names that leave the portal inside files: spreadsheet sheet titles and download file names.

Every sheet title and every ``Content-Disposition`` goes through here, so a college or
bulletin named ``A/B [一]`` can never break an export.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

SHEET_TITLE_MAX = 31  # Excel's limit
# Characters Excel refuses in a sheet title; control characters break the XML.
_SHEET_BAD = re.compile(r"[\\/\[\]:*?\x00-\x1f\x7f]")
# Characters no file system or browser accepts in a file name, and quotes for the header.
_FILE_BAD = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f;]")
FILENAME_MAX = 120


def sheet_title(name: str, used: set[str] | None = None, *, fallback: str = "Sheet") -> str:
    """A title Excel accepts: no ``\\ / [ ] : * ?``, at most 31 characters, no leading or
    trailing apostrophe, and (given ``used``, the titles taken so far, compared without
    case as Excel does) not a duplicate. The title returned is added to ``used``.
    """
    title = _SHEET_BAD.sub("_", unicodedata.normalize("NFC", str(name or ""))).strip().strip("'").strip()
    title = title or fallback
    if title.lower() == "history":  # reserved by Excel
        title = f"{title}_"
    title = title[:SHEET_TITLE_MAX]
    if used is not None:
        taken = {t.lower() for t in used}
        candidate, number = title, 1
        while candidate.lower() in taken:
            number += 1
            suffix = f"({number})"
            candidate = title[: SHEET_TITLE_MAX - len(suffix)] + suffix
        title = candidate
        used.add(title)
    return title


def download_filename(name: str, ext: str) -> str:
    """A file name without path separators, quotes or control characters, with its extension."""
    base = _FILE_BAD.sub("_", unicodedata.normalize("NFC", str(name or ""))).strip(" ._") or "export"
    return f"{base[:FILENAME_MAX]}.{ext}"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name in RFC 5987 form."""
    name, dot, ext = filename.rpartition(".")
    safe = download_filename(name, ext) if dot else download_filename(filename, "bin")
    ascii_name = safe.encode("ascii", "ignore").decode().replace(" ", "_").strip("._") or "download"
    if not ascii_name.count(".") and dot:
        ascii_name = f"download.{ext}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"
