"""Writing a compared roster: bulk inserts, bulk updates of changed fields only, and a
Check per student for the campaign. The caller holds the transaction.

On PostgreSQL new rows go in with COPY and changes through COPY into a temporary table
and one ``UPDATE ... FROM``; elsewhere (SQLite) through ``bulk_create`` and
``bulk_update``. Both paths write the same rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import F, Model

from selfcheck.models import Campaign, Check, College, RosterImport, Student, StudentChange, User
from selfcheck.services.roster.compare import RosterPlan
from selfcheck.services.roster.validate import FIELDS
from selfcheck.services.students import students_sync_checks

BATCH = 5000
WRITTEN = (*FIELDS, "roster_digest")  # roster_stamp is set to updated_at beside them
_DEFAULTS = {name: Student._meta.get_field(name).get_default() for name in WRITTEN}


@dataclass
class Written:
    created: int
    updated: int
    checks_created: int


def write_roster(
    plan: RosterPlan, *, campaign: Campaign, now: datetime, by: User | None = None,
    roster_import: RosterImport | None = None,
) -> Written:  # fmt: skip
    """Insert new students, update changed ones, give everyone in the file a Check.

    Every changed field of an existing student is kept in the record's history
    (``StudentChange``), with who imported it and from which import.
    """
    fast = copy_available()
    if fast:
        creates = plan.creates
        if creates:
            _copy_students(creates, now)
    else:
        creates = [{**_DEFAULTS, **record} for record in plan.creates]
        if creates:
            _bulk_create_students(creates, now)
    if plan.changes:
        # accepted identity changes are ordinary changes by now (audited by the caller)
        (_copy_changes if fast else _bulk_update_changes)(plan, now)
        _record_history(plan, now, by, roster_import)
        if any("college_id" in change.values or "college" in change.values for change in plan.changes):
            students_sync_checks()
    if plan.digest_updates:
        _write_digests(plan.digest_updates, fast)
    student_nos = plan.check_student_nos()
    checks = _ensure_checks(campaign, student_nos, now) if fast else _bulk_checks(plan, campaign, creates, now)
    return Written(created=len(creates), updated=len(plan.changes), checks_created=checks)


def _history_text(key: str, value, colleges: dict[int, str]) -> str:
    if value is None:
        return ""
    if key == "college_id":
        return colleges.get(value, str(value))
    return (value.isoformat() if hasattr(value, "isoformat") else str(value))[:128]


def _record_history(plan: RosterPlan, now: datetime, by: User | None, roster_import: RosterImport | None) -> None:
    colleges = dict(College.objects.values_list("pk", "name"))
    StudentChange.objects.bulk_create(
        (
            StudentChange(
                student_id=change.student_id,
                field=key.removesuffix("_id"),
                changed_at=now,
                old_value=_history_text(key, change.old.get(key), colleges),
                new_value=_history_text(key, value, colleges),
                changed_by=by,
                roster_import=roster_import,
            )  # fmt: skip
            for change in plan.changes
            for key, value in change.values.items()
        ),
        batch_size=2000,
    )


def copy_available() -> bool:
    """COPY needs PostgreSQL through psycopg2 (``copy_expert``)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return hasattr(cursor.cursor, "copy_expert")


# --- PostgreSQL ---------------------------------------------------------------------------------


class _Null(float):
    """Written unquoted as ``\\N`` by a QUOTE_NONNUMERIC csv writer, which quotes every
    string, so COPY reads it as NULL and a cell that really says "\\N" as text."""

    def __str__(self) -> str:
        return "\\N"

    __repr__ = __str__


NULL = _Null()


class _CsvStream(io.TextIOBase):
    """A file psycopg2's COPY reads from, written a few hundred rows at a time, so the
    server inserts one chunk while Python formats the next."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        self.pending = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self.pending) < size:
            batch = list(itertools.islice(self.rows, 500))
            if not batch:
                break
            self.writer.writerows(
                row if None not in row else [NULL if value is None else value for value in row] for row in batch
            )
            self.pending += self.buffer.getvalue()
            self.buffer.seek(0)
            self.buffer.truncate()
        if size < 0:
            size = len(self.pending)
        chunk, self.pending = self.pending[:size], self.pending[size:]
        return chunk


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY rows (None for NULL) into ``table``; the csv module does the quoting in C."""
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            _CsvStream(rows),
            size=65536,
        )


def _columns(model: type[Model], names) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def _copy_students(creates: list[dict], now: datetime) -> None:
    """One COPY per set of fields the records carry (usually one): the fields a record
    lacks get their defaults, the same for every row of the set."""
    stamp = now.isoformat()
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for record in creates:
        groups[tuple(record)].append(record)
    for keys, records in groups.items():
        present = ["student_no", *(name for name in WRITTEN if name in keys)]
        absent = [name for name in WRITTEN if name not in keys]
        columns = _columns(Student, present + absent) + ["created_at", "updated_at", "roster_stamp"]
        constant = tuple(_DEFAULTS[name] for name in absent) + (stamp, stamp, stamp)
        values = operator.itemgetter(*present)
        copy_rows(Student._meta.db_table, columns, (values(record) + constant for record in records))


def pg_update_from(model: type[Model], pks_and_values: list[tuple], names: list[str], *, nulls_keep: bool,
                   also: dict | None = None) -> int:  # fmt: skip
    """Update many rows of ``model`` by primary key in one statement.

    ``pks_and_values`` holds ``(pk, value_for_name_0, ...)``. With ``nulls_keep`` a None
    leaves the column as it is (COALESCE); otherwise it writes NULL. ``also`` sets the
    same value on every row (e.g. ``updated_at``).
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = model._meta.pk.column
    columns = _columns(model, names)
    temp = "roster_changes"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        selected = ", ".join(quote(c) for c in [pk_column, *columns])
        cursor.execute(f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {selected} FROM {table} WITH NO DATA")
    copy_rows(temp, [pk_column, *columns], pks_and_values)
    assignments = [
        f"{quote(c)} = COALESCE(t.{quote(c)}, s.{quote(c)})" if nulls_keep else f"{quote(c)} = t.{quote(c)}"
        for c in columns
    ]
    params = []
    for name, value in (also or {}).items():
        assignments.append(f"{quote(model._meta.get_field(name).column)} = %s")
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS s SET {', '.join(assignments)} FROM {temp} AS t WHERE s.{quote(pk_column)} = t.{quote(pk_column)}",
            params,
        )
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    return count


def _copy_changes(plan: RosterPlan, now: datetime) -> None:
    names = sorted({name for change in plan.changes for name in change.values})
    rows = [(change.student_id, *[change.values.get(name) for name in names]) for change in plan.changes]
    pg_update_from(Student, rows, names, nulls_keep=True, also={"updated_at": now})


def _ensure_checks(campaign: Campaign, student_nos: list[str], now: datetime) -> int:
    """One INSERT ... SELECT for every student in the file; existing Checks are left alone."""
    if not student_nos:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Check._meta.db_table}
                (campaign_id, student_id, college_id, status, source, blocked_reason, detail, staff_reason, created_at)
            SELECT %s, s.id, s.college_id, %s, %s, '', '{{}}'::jsonb, '', %s
            FROM {Student._meta.db_table} s WHERE s.student_no = ANY(%s)
            ON CONFLICT DO NOTHING
            """,
            [campaign.pk, Check.Status.PENDING, Check.Source.SYSTEM, now, student_nos],
        )
        return cursor.rowcount


def _write_digests(updates: list[tuple[int, str]], fast: bool) -> None:
    """Remember each row's fingerprint on its student, stamped with the record's
    ``updated_at`` as it stands after this import (see ``fingerprint``)."""
    if fast:
        pg_update_from(Student, updates, ["roster_digest"], nulls_keep=False)
    else:
        Student.objects.bulk_update([Student(pk=pk, roster_digest=digest) for pk, digest in updates],
                                    ["roster_digest"], batch_size=1000)  # fmt: skip
    _stamp([pk for pk, _ in updates])


def _stamp(ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        Student.objects.filter(pk__in=ids[start : start + BATCH]).update(roster_stamp=F("updated_at"))


# --- any database -----------------------------------------------------------------------------------


def _bulk_create_students(creates: list[dict], now: datetime) -> None:
    students = [Student(**record, created_at=now, updated_at=now) for record in creates]
    created = Student.objects.bulk_create(students, batch_size=BATCH)
    for record, student in zip(creates, created, strict=True):
        record["pk"] = student.pk
    nos = [record["student_no"] for record in creates]
    for start in range(0, len(nos), BATCH):  # updated_at is auto_now: stamp what was stored
        Student.objects.filter(student_no__in=nos[start : start + BATCH]).update(roster_stamp=F("updated_at"))


def _bulk_update_changes(plan: RosterPlan, now: datetime) -> None:
    groups: dict[tuple[str, ...], list[Student]] = defaultdict(list)
    for change in plan.changes:
        names = tuple(sorted(change.values))
        groups[names].append(Student(pk=change.student_id, updated_at=now, **change.values))
    for names, students in groups.items():
        Student.objects.bulk_update(students, [*names, "updated_at"], batch_size=1000)


def _bulk_checks(plan: RosterPlan, campaign: Campaign, creates: list[dict], now: datetime) -> int:
    ids = [record.get("pk") for record in creates]
    if any(pk is None for pk in ids):  # a backend that does not return ids from bulk inserts
        by_no = dict(
            Student.objects.filter(student_no__in=[r["student_no"] for r in creates]).values_list("student_no", "pk")
        )
        ids = [by_no[record["student_no"]] for record in creates]
    ids = [pk for pk, record in zip(ids, creates, strict=True) if record["student_no"] not in plan.no_check_nos]
    ids += [change.student_id for change in plan.changes if change.student_no not in plan.no_check_nos]
    ids += [pk for pk, student_no in plan.unchanged if student_no not in plan.no_check_nos]
    missing = [pk for pk in ids if pk not in plan.with_check]
    if not missing:
        return 0
    colleges = dict(Student.objects.values_list("pk", "college_id"))
    Check.objects.bulk_create(
        [Check(campaign=campaign, student_id=pk, college_id=colleges[pk], created_at=now) for pk in missing],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(missing)
