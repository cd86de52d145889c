"""Compare parsed roster rows with the database: new, changed (field by field) and
unchanged students, plus the errors only the database can reveal (an ID number that
belongs to someone else)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from selfcheck.models import Campaign, Check, Student
from selfcheck.services.roster import limits
from selfcheck.services.roster.problems import RowProblem
from selfcheck.services.roster.validate import CHUNK, FIELDS, Change, ParsedRoster, RosterPlan


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_students(student_nos: list[str]) -> dict[str, dict]:
    """Stored values of the students in the file, by 学号.

    PostgreSQL takes the whole list as one array parameter and its driver already
    returns dates and decimals; elsewhere the ORM in chunks (SQLite caps parameters).
    """
    names = ["pk", "student_no", *FIELDS]
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


def compare_roster(parsed: ParsedRoster, campaign: Campaign) -> RosterPlan:
    """Sort the valid rows into new / changed / unchanged against the stored students."""
    plan = RosterPlan(parsed=parsed)
    records = parsed.rows
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
    for number, record in list(records.items()):
        owner = owners.get(record["id_number"])
        if owner is not None and owner[0] != record["student_no"]:
            parsed.reject(number, id_title, f"证件号码已属于另一名学生（学号 {owner[0]}，{owner[1]}）")
            continue
        current = existing.get(record["student_no"])
        if current is None:
            plan.creates.append(record)
            continue
        values, old = {}, {}
        for key, value in record.items():
            if key != "student_no" and current[key] != value:
                values[key] = value
                old[key] = current[key]
        if values:
            plan.changes.append(
                Change(row=number, student_id=current["pk"], student_no=record["student_no"],
                       name=record.get("name", current["name"]), values=values, old=old)
            )  # fmt: skip
        else:
            plan.unchanged_ids.append(current["pk"])
    in_file = parsed.file_student_nos
    for student_id, student_no, name in _campaign_students(campaign):
        plan.with_check.add(student_id)
        if student_no not in in_file:
            plan.missing_count += 1
            if len(plan.missing_sample) < limits.PREVIEW_SAMPLE:
                plan.missing_sample.append({"student_no": student_no, "name": name})
    plan.missing_sample.sort(key=lambda item: item["student_no"])
    return plan


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
