"""Row fingerprints: re-importing an unchanged roster without re-reading every row.

Each committed row stores on its student a digest of the row's cells as read, keyed by
the file's header and the college names the portal knew at the time. On the next
import a row with the same digest is exactly what was validated and written before,
so it is counted unchanged without being parsed again. Anything that could make the
same cells mean something else changes the digest or clears it:

* another header (columns moved, renamed) or any college, code or alias added,
  renamed or removed: another key, so no digest matches;
* a change of the student outside a roster import: every save moves ``updated_at``
  past ``roster_stamp``, and only digests whose stamp still equals it count;
* a digest that no longer matches when the commit compares inside its transaction:
  the row is reported, nothing is written (staff re-check).

Row warnings (an unknown area code) are shown when a row is first read, not again.
"""

from __future__ import annotations

import hashlib
import marshal

from django.db.models import F

from selfcheck.models import Student

DIGEST_SIZE = 12  # bytes; 24 hex characters in Student.roster_digest


class Fingerprints:
    """Digests of one file's rows, and the digests the students hold."""

    def __init__(self, header_cells: list, colleges: dict[str, int], known: set[str] | None = None):
        seed = marshal.dumps((list(header_cells), sorted(colleges.items())), 2)
        self.key = hashlib.blake2b(seed, digest_size=32).digest()
        self.known = known_digests() if known is None else known

    def digest(self, cells: list) -> str:
        # marshal version 2 has no back-references, so equal cells give equal bytes.
        return hashlib.blake2b(marshal.dumps(cells, 2), digest_size=DIGEST_SIZE, key=self.key).hexdigest()


def known_digests() -> set[str]:
    """The digests students still hold."""
    return set(
        Student.objects.exclude(roster_digest="")
        .filter(updated_at=F("roster_stamp"))
        .values_list("roster_digest", flat=True)
    )
