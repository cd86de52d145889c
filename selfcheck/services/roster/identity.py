"""Another person under an existing 学号: the identity guard of the roster import.

A row whose 学号 is already in the database but whose 姓名, 证件号码 and 出生日期 differ
in at least two of the three is not an update of that student's record: it is someone
else (a 学号 reused, a row pasted from another student). Such rows are kept apart from
ordinary changes, listed in their own section of the preview, and written only when
staff accept each one; every accepted change is audited with the old and new identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from selfcheck.models import Student, User
from selfcheck.services.audit import audit_record

IDENTITY_FIELDS = ("name", "id_number", "birth_date")
# How many of IDENTITY_FIELDS must differ before a row is another person.
THRESHOLD = 2


def identity_differences(record: dict, current: dict) -> list[str]:
    """The identity fields the row sets to something else than the stored student."""
    return [key for key in IDENTITY_FIELDS if key in record and record[key] != current[key]]


def is_identity_change(differences: list[str]) -> bool:
    return len(differences) >= THRESHOLD


@dataclass
class IdentityChange:
    row: int
    student_id: int
    student_no: str
    fields: list[str]  # the identity fields that differ
    old: dict  # identity field -> stored value
    new: dict  # identity field -> value in the file
    accepted: bool = False

    def as_json(self) -> dict:
        """The command line's contract: ``{"row", "student_no", "fields"}``."""
        return {"row": self.row, "student_no": self.student_no, "fields": list(self.fields)}


def audit_identity_changes(changes: list[IdentityChange], *, user: User | None) -> None:
    """One audit event per accepted identity change, on the student, with old -> new values."""
    accepted = [change for change in changes if change.accepted]
    if not accepted:
        return
    students = Student.objects.in_bulk([change.student_id for change in accepted])
    for change in accepted:
        target = students.get(change.student_id)
        audit_record(
            actor=user,
            action="student.identity_change",
            target=target,
            changes={key: [_plain(change.old[key]), _plain(change.new[key])] for key in change.fields},
        )


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
