"""Compare parsed roster rows with the database: new, changed (field by field) and
unchanged students, another person under an existing 学号 (``identity``), rows outside
the campaign (``fit``), plus the errors only the database can reveal (an ID number that
belongs to someone else)."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

from selfcheck.models import Campaign, Check, Student
from selfcheck.services.roster import limits
from selfcheck.services.roster.fit import outside_campaign
from selfcheck.services.roster.identity import IdentityChange, identity_differences, is_identity_change
from selfcheck.services.roster.problems import RowProblem
from selfcheck.services.roster.validate import CHUNK, FIELDS, ParsedRoster


@dataclass
class Change:
    row: int
    student_id: int
    student_no: str
    name: str
    values: dict  # attribute -> new value, changed attributes only
    old: dict  # attribute -> current value, the same attributes


@dataclass
class RosterPlan:
    parsed: ParsedRoster
    creates: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)
    unchanged_nos: list[str] = field(default_factory=list)
    with_check: set[int] = field(default_factory=set)  # student ids that already have a Check
    missing_count: int = 0
    missing_sample: list[dict] = field(default_factory=list)
    # Another person under an existing 学号; written only when accepted.
    identity_changes: list[IdentityChange] = field(default_factory=list)
    # Rows outside the campaign's cohort/levels: (cohort, level) -> rows.
    outside: Counter = field(default_factory=Counter)
    include_outside: bool = False
    # Students written but given no Check: outside the campaign and not included.
    no_check_nos: set[str] = field(default_factory=set)
    digest_updates: list[tuple[int, str]] = field(default_factory=list)  # (student id, row fingerprint)

    @property
    def invalid(self) -> int:
        return len(self.parsed.invalid_rows)

    @property
    def identity_held(self) -> list[IdentityChange]:
        return [change for change in self.identity_changes if not change.accepted]

    def check_student_nos(self) -> list[str]:
        """学号 of the rows that still need a Check: written, inside the campaign (or
        included), and without one yet."""
        skip, has = self.no_check_nos, self.with_check
        nos = [record["student_no"] for record in self.creates if record["student_no"] not in skip]
        nos += [c.student_no for c in self.changes if c.student_id not in has and c.student_no not in skip]
        nos += [no for pk, no in self.unchanged if pk not in has and no not in skip]
        return nos

    @property
    def checks_to_create(self) -> int:
        existing = [c.student_id for c in self.changes if c.student_no not in self.no_check_nos]
        existing += [pk for pk, no in self.unchanged if no not in self.no_check_nos]
        creates = sum(1 for record in self.creates if record["student_no"] not in self.no_check_nos)
        return creates + sum(1 for pk in existing if pk not in self.with_check)

    @property
    def unchanged(self) -> list[tuple[int, str]]:
        return list(zip(self.unchanged_ids, self.unchanged_nos, strict=True))


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_students(student_nos: list[str]) -> dict[str, dict]:
    """Stored values of the students in the file, by 学号.

    PostgreSQL takes the whole list as one array parameter and its driver already
    returns dates and decimals; elsewhere the ORM in chunks (SQLite caps parameters).
    """
    names = ["pk", "student_no", *FIELDS, "roster_digest", "roster_stamp", "updated_at"]
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(Student._meta.get_field(name).column) for name in names[1:])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {columns} FROM {Student._meta.db_table} WHERE student_no = ANY(%s)", [student_nos]
            )
            return {row[1]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    existing = {}
    for chunk in _chunks(student_nos):
        for values in Student.objects.filter(student_no__in=chunk).values(*names):
            existing[values["student_no"]] = values
    return existing


def _id_owners(id_numbers: list[str]) -> dict[str, tuple[str, str]]:
    """Who already holds each ID number: id_number -> (学号, 姓名)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id_number, student_no, name FROM {Student._meta.db_table} WHERE id_number = ANY(%s)",
                [id_numbers],
            )
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    owners = {}
    for chunk in _chunks(id_numbers):
        for id_number, student_no, name in Student.objects.filter(id_number__in=chunk).values_list(
            "id_number", "student_no", "name"
        ):
            owners[id_number] = (student_no, name)
    return owners


def _campaign_students(campaign: Campaign):
    """(student id, 学号, 姓名) of everyone with a Check in the campaign."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.student_id, s.student_no, s.name FROM {Check._meta.db_table} c "
            f"JOIN {Student._meta.db_table} s ON s.id = c.student_id WHERE c.campaign_id = %s",
            [campaign.pk],
        )
        return cursor.fetchall()


def compare_roster(
    parsed: ParsedRoster, campaign: Campaign, *, accepted: frozenset[str] | bool = frozenset(),
    include_outside: bool = False,
) -> RosterPlan:  # fmt: skip
    """Sort the valid rows into new / changed / unchanged / identity changes against the
    stored students, and note the rows outside the campaign's cohort and levels.

    ``accepted`` holds the 学号 whose identity change staff accepted (True: all of them).
    """
    plan = RosterPlan(parsed=parsed, include_outside=include_outside)
    _compare_fast(plan, campaign)
    records = parsed.rows
    digests = parsed.digests
    existing = _existing_students([record["student_no"] for record in records.values()])
    others = [(number, parsed.identities[number]) for number in parsed.invalid_rows if number in parsed.identities]
    owners = _id_owners([record["id_number"] for record in records.values()] + [pair[1] for _, pair in others])
    id_title = parsed.header.title("id_number")
    for number, (student_no, id_number) in others:
        owner = owners.get(id_number)
        if owner is not None and owner[0] != student_no:
            parsed.errors.append(
                RowProblem(number, id_title, f"证件号码已属于另一名学生（学号 {owner[0]}，{owner[1]}）")
            )
    getters: dict[tuple, Callable] = {}
    for number, record in list(records.items()):
        owner = owners.get(record["id_number"])
        if owner is not None and owner[0] != record["student_no"]:
            parsed.reject(number, id_title, f"证件号码已属于另一名学生（学号 {owner[0]}，{owner[1]}）")
            continue
        current = existing.get(record["student_no"])
        if current is None:
            _note_fit(plan, campaign, record, current)
            record["roster_digest"] = digests.get(number, "")
            plan.creates.append(record)
            continue
        differences = identity_differences(record, current)
        identity = None
        if is_identity_change(differences):
            identity = IdentityChange(
                row=number, student_id=current["pk"], student_no=record["student_no"], fields=differences,
                old={key: current[key] for key in differences}, new={key: record[key] for key in differences},
                accepted=accepted is True or (accepted is not False and record["student_no"] in accepted),
            )  # fmt: skip
            plan.identity_changes.append(identity)
            if not identity.accepted:
                continue
        _note_fit(plan, campaign, record, current)
        digest = digests.get(number, "")
        stale = current["roster_digest"] != digest or current["roster_stamp"] != current["updated_at"]
        keys = tuple(record)
        getter = getters.get(keys)
        if getter is None:
            getter = getters[keys] = operator.itemgetter(*keys)
        if getter(record) == getter(current):  # one C-level comparison for the common, unchanged row
            plan.unchanged_ids.append(current["pk"])
            plan.unchanged_nos.append(record["student_no"])
            if stale:
                plan.digest_updates.append((current["pk"], digest))
            continue
        values, old = {}, {}
        for key, value in record.items():
            if key != "student_no" and current[key] != value:
                values[key] = value
                old[key] = current[key]
        if values or stale:  # a written change moves updated_at: stamp the fingerprint again
            plan.digest_updates.append((current["pk"], digest))
        if values:
            plan.changes.append(
                Change(row=number, student_id=current["pk"], student_no=record["student_no"],
                       name=record.get("name", current["name"]), values=values, old=old)
            )  # fmt: skip
        else:
            plan.unchanged_ids.append(current["pk"])
            plan.unchanged_nos.append(record["student_no"])
    in_file = parsed.file_student_nos
    for student_id, student_no, name in _campaign_students(campaign):
        plan.with_check.add(student_id)
        if student_no not in in_file:
            plan.missing_count += 1
            if len(plan.missing_sample) < limits.PREVIEW_SAMPLE:
                plan.missing_sample.append({"student_no": student_no, "name": name})
    plan.missing_sample.sort(key=lambda item: item["student_no"])
    return plan


def _compare_fast(plan: RosterPlan, campaign: Campaign) -> None:
    """Rows whose fingerprint a student held when the file was read: unchanged if it
    still does (one query for all of them), otherwise reported for a fresh check."""
    parsed = plan.parsed
    if not parsed.fast:
        return
    found = {row[1]: row for row in _fingerprints_held(list(parsed.fast.values()))}
    title = parsed.header.title("student_no")
    for number, (student_no, _digest) in list(parsed.fast.items()):
        row = found.get(student_no)
        if row is None or not row[4]:
            parsed.reject(number, title, "该学生的信息在读取文件后有变化，请重新校验")
            continue
        _note_fit(plan, campaign, {"student_no": student_no}, {"cohort": row[2], "level": row[3]})
        plan.unchanged_ids.append(row[0])
        plan.unchanged_nos.append(student_no)


def _fingerprints_held(pairs: list[tuple[str, str]]) -> list[tuple]:
    """``(id, 学号, cohort, level, still holds the digest)`` of the students of ``(学号, digest)``
    pairs; a student holds it while no save has moved ``updated_at`` past ``roster_stamp``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id, s.student_no, s.cohort, s.level, "
                f"s.roster_digest = f.digest AND s.updated_at = s.roster_stamp "
                f"FROM unnest(%s::text[], %s::text[]) AS f(student_no, digest) "
                f"JOIN {Student._meta.db_table} s ON s.student_no = f.student_no",
                [[no for no, _ in pairs], [digest for _, digest in pairs]],
            )
            return cursor.fetchall()
    wanted = dict(pairs)
    found = []
    for chunk in _chunks(list(wanted)):
        for pk, no, cohort, level, digest, updated, stamp in Student.objects.filter(student_no__in=chunk).values_list(
            "pk", "student_no", "cohort", "level", "roster_digest", "updated_at", "roster_stamp"
        ):
            found.append((pk, no, cohort, level, digest == wanted[no] and updated == stamp))
    return found


def _note_fit(plan: RosterPlan, campaign: Campaign, record: dict, current: dict | None) -> None:
    cohort = record.get("cohort", current["cohort"] if current else None)
    level = record.get("level", current["level"] if current else None)
    if outside_campaign(campaign, cohort, level):
        plan.outside[(cohort, level)] += 1
        if not plan.include_outside:
            plan.no_check_nos.add(record["student_no"])


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
