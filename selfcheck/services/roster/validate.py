"""Roster rows: parse and check each row, then compare the file with the database.

Two steps, so the commit can read the file outside its transaction and compare inside:

* ``parse_roster`` reads the table (no writes; one query for the colleges) and returns
  the valid rows normalised, with every row error and warning.
* ``compare_roster`` (module ``compare``) looks the students up in a few chunked queries and sorts valid
  rows into new, changed (with field-by-field differences) and unchanged; it adds the
  errors only the database can reveal (an ID number that belongs to someone else).

A blank optional cell never overwrites what the database holds; a column that is not
in the file leaves that field alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from selfcheck.idcheck import check_id_number
from selfcheck.masking import mask_id_number
from selfcheck.models import IdType, Student
from selfcheck.services.roster import limits
from selfcheck.services.roster import normalize as n
from selfcheck.services.roster.colleges import college_index
from selfcheck.services.roster.columns import BLANK, parse_batch
from selfcheck.services.roster.fingerprint import Fingerprints, known_digests
from selfcheck.services.roster.headers import (
    ROSTER_COLUMNS,
    HeaderMap,
    find_header,
    missing_columns,
    refuse_missing,
)
from selfcheck.services.roster.problems import FileRefused, ProblemList, RowProblem
from selfcheck.services.roster.readers import Table, non_blank_rows

LABELS = {column.key: column.label for column in ROSTER_COLUMNS}
LABELS["college_id"] = LABELS["college"]

_max = {f.name: getattr(f, "max_length", None) for f in Student._meta.get_fields() if hasattr(f, "max_length")}
PARSERS: dict[str, Callable] = {
    "student_no": n.code(_max["student_no"], "学号"),
    "exam_no": n.code(_max["exam_no"], "考生号"),
    "name": n.text(_max["name"], collapse=True),
    "gender": n.gender,
    "birth_date": n.parse_date,
    "ethnicity": n.text(_max["ethnicity"]),
    "id_type": n.id_type,
    "id_number": n.id_number,
    "college": n.clean,
    "major": n.text(_max["major"], collapse=True),
    "major_code": n.text(_max["major_code"]),
    "class_name": n.text(_max["class_name"], collapse=True),
    "level": n.level,
    "duration": n.duration,
    "study_mode": n.text(_max["study_mode"]),
    "education_type": n.text(_max["education_type"]),
    "enrolled_on": n.parse_date,
    "expected_graduation": n.parse_date,
    "status": n.text(_max["status"]),
    "phone": n.text(_max["phone"]),
    "cohort": n.cohort,
}
REQUIRED = frozenset(column.key for column in ROSTER_COLUMNS if column.required)
# Columns whose values differ on every row: not worth remembering.
UNIQUE = frozenset({"student_no", "exam_no", "name", "id_number", "phone"})
BATCH_ROWS = 2000  # rows parsed together, column by column
# Student fields a roster sets, by attribute name; student_no is the key.
FIELDS = (
    "exam_no", "name", "gender", "birth_date", "ethnicity", "id_type", "id_number", "college_id", "major",
    "major_code", "class_name", "level", "duration", "study_mode", "education_type", "enrolled_on",
    "expected_graduation", "status", "phone", "cohort",
)  # fmt: skip
CHUNK = 5000


@dataclass
class ParsedRoster:
    header: HeaderMap
    encoding: str
    rows: dict[int, dict]  # row number -> normalised record, valid rows only
    errors: ProblemList = field(default_factory=lambda: ProblemList(limits.MAX_PROBLEMS))
    warnings: ProblemList = field(default_factory=lambda: ProblemList(limits.MAX_PROBLEMS))
    invalid_rows: set[int] = field(default_factory=set)
    file_student_nos: set[str] = field(default_factory=set)
    # Every row's (学号, 证件号码), so rows invalid for another reason are still checked
    # against the database and staff see all of a row's problems in one pass.
    identities: dict[int, tuple[str, str]] = field(default_factory=dict)
    unknown_colleges: Counter = field(default_factory=Counter)
    flagged: set = field(default_factory=set)
    data_rows: int = 0
    blank_rows: int = 0
    # Rows whose fingerprint a student holds: row number -> (学号, digest); not parsed.
    fast: dict[int, tuple[str, str]] = field(default_factory=dict)
    digests: dict[int, str] = field(default_factory=dict)  # row number -> digest, parsed rows

    def reject(self, number: int, column: str, message: str) -> None:
        self.errors.append(RowProblem(number, column, message))
        self.invalid_rows.add(number)
        self.rows.pop(number, None)
        self.fast.pop(number, None)


def prefetch() -> dict:
    """What parsing needs from the database, read while the reader process parses the file."""
    return {"colleges": college_index(), "known": known_digests()}


# --- step 1: the file ------------------------------------------------------------------------


def parse_roster(
    table: Table, *, progress: Callable[[int], None] | None = None, prefetched: dict | None = None
) -> ParsedRoster:
    """Every row of the table, checked on its own and against the other rows.

    ``prefetched`` may hold what ``prefetch`` read from the database beforehand."""
    header = find_header(table.rows, ROSTER_COLUMNS, minimum=3)
    refuse_missing(header, missing_columns(header, ROSTER_COLUMNS))
    parsed = ParsedRoster(header=header, encoding=table.encoding, rows={})
    for message in header.warnings:
        parsed.warnings.append(RowProblem(header.row, "", message))
    prefetched = prefetched or prefetch()
    index = prefetched["colleges"]
    colleges = _CollegeLookup(index)
    prints = Fingerprints(header.cells, index, prefetched["known"])
    known, digest_of, digests, fast = prints.known, prints.digest, parsed.digests, parsed.fast
    parse_no = PARSERS["student_no"]
    today = timezone.localdate()
    # Most columns repeat a few values (学院, 专业, 层次, dates): each distinct text is parsed once.
    columns = [
        (key, position, PARSERS[key], None if key in UNIQUE else {}) for key, position in header.positions.items()
    ]
    student_no_at = header.positions["student_no"]
    repeated_header = {header.title("student_no"), header.raw_titles.get("student_no")}
    checks = _RowChecks(parsed, colleges, today)
    batch: list[tuple[int, list]] = []
    for number, cells in non_blank_rows(table, parsed, progress):
        width = len(cells)
        if student_no_at < width and cells[student_no_at] in repeated_header:
            if batch:  # problems in file order
                checks.batch(batch, columns)
                batch = []
            parsed.warnings.append(RowProblem(number, "", "这一行重复了表头，已跳过"))
            continue
        parsed.data_rows += 1
        digest = digest_of(cells)
        if digest in known:  # exactly the cells committed before: unchanged unless the student changed since
            try:
                student_no = parse_no(cells[student_no_at]) if student_no_at < width else None
            except n.CellError:
                student_no = None
            if student_no:
                if batch:  # rows are checked in file order: a repeated 学号 names the earlier row
                    checks.batch(batch, columns)
                    batch = []
                parsed.file_student_nos.add(student_no)
                if _check_unique(parsed, number, student_no, checks.seen_no, "student_no", "学号"):
                    parsed.invalid_rows.add(number)
                else:
                    fast[number] = (student_no, digest)
                continue
        digests[number] = digest
        batch.append((number, cells))
        if len(batch) >= BATCH_ROWS:
            checks.batch(batch, columns)
            batch = []
    if batch:
        checks.batch(batch, columns)
    if parsed.data_rows == 0:
        raise FileRefused(f"表头（第 {header.row} 行）以下没有任何数据行。", header_row=header.row)
    parsed.errors.sort(key=lambda problem: problem.row)
    return parsed


def _check_record(parsed, number, record, header, colleges, today) -> bool:
    """Checks that need several fields of one row; returns True if the row is invalid."""
    bad = False
    errors, warnings = parsed.errors, parsed.warnings
    college = record.pop("college", None)
    if college is not None:
        college_id = colleges.get(college)
        if college_id is None:
            parsed.unknown_colleges[college] += 1
            errors.append(RowProblem(number, header.title("college"), f"学院“{college}”不存在"))
            bad = True
        else:
            record["college_id"] = college_id
    birth = record.get("birth_date")
    if birth is not None and (birth > today or birth.year < 1900):
        errors.append(
            RowProblem(number, header.title("birth_date"), f"出生日期 {birth:%Y-%m-%d} 不合理（晚于今天或早于1900年）")
        )
        bad = True
        birth = None
    number_value = record.get("id_number")
    if number_value:
        kind = record.get("id_type", IdType.RESIDENT)
        problems = check_id_number(kind, number_value, birth_date=birth, gender=record.get("gender"), today=today)
        for found in problems:
            problem = RowProblem(number, header.title(found.field), found.message)
            if found.is_warning:
                warnings.append(problem)
            else:
                errors.append(problem)
                bad = True
    enrolled = record.get("enrolled_on")
    if enrolled is not None and "cohort" not in record:
        record["cohort"] = enrolled.year
    graduation = record.get("expected_graduation")
    if graduation is not None and enrolled is not None and graduation <= enrolled:
        errors.append(RowProblem(number, header.title("expected_graduation"), "预计毕业日期早于入学日期"))
        bad = True
    return bad


class _RowChecks:
    """Each row's cells parsed (column by column, a batch at a time), then the row
    checked on its own and against the rows before it."""

    def __init__(self, parsed: ParsedRoster, colleges, today):
        self.parsed, self.colleges, self.today = parsed, colleges, today
        self.seen_no: dict[str, int] = {}
        self.seen_id: dict[str, int] = {}
        header = parsed.header
        self.titles = {key: header.title(key) for key in header.positions}

    def batch(self, batch: list[tuple[int, list]], columns: list[tuple]) -> None:
        parsed, titles = self.parsed, self.titles
        errors, rows = parsed.errors, parsed.rows
        for number, record, problems in parse_batch(batch, columns):
            bad = False
            for key, value in problems:
                if value is not BLANK:
                    errors.append(RowProblem(number, titles[key], value.message))
                    bad = True
                elif key in REQUIRED:
                    errors.append(RowProblem(number, titles[key], f"{LABELS[key]}不能为空"))
                    bad = True
            student_no = record.get("student_no")
            if student_no:
                parsed.file_student_nos.add(student_no)
            bad |= _check_record(parsed, number, record, parsed.header, self.colleges, self.today)
            bad |= _check_unique(parsed, number, student_no, self.seen_no, "student_no", "学号")
            bad |= _check_unique(parsed, number, record.get("id_number"), self.seen_id, "id_number", "证件号码")
            if student_no and record.get("id_number"):
                parsed.identities[number] = (student_no, record["id_number"])
            if bad:
                parsed.invalid_rows.add(number)
            else:
                rows[number] = record


class _CollegeLookup:
    """College ids by the name as written, folded once per distinct spelling."""

    def __init__(self, index: dict[str, int]):
        self.index = index
        self.seen: dict[str, int | None] = {}

    def get(self, name: str) -> int | None:
        try:
            return self.seen[name]
        except KeyError:
            found = self.seen[name] = self.index.get(n.fold(name))
            return found


def _check_unique(parsed, number, value, seen, key, label) -> bool:
    """Every occurrence of a repeated 学号 or 证件号码 is invalid: which one is right is
    for staff to say, not for the import to guess."""
    if not value:
        return False
    first = seen.setdefault(value, number)
    if first == number:
        return False
    title = parsed.header.title(key)
    shown = mask_id_number(value) if key == "id_number" else value
    parsed.errors.append(RowProblem(number, title, f"{label} {shown} 与第 {first} 行重复"))
    if (first, key) not in parsed.flagged:
        parsed.flagged.add((first, key))
        parsed.reject(first, title, f"{label} {value} 在文件中出现多次（另见第 {number} 行）")
    return True


# Area codes change over the years; stdnum's lookup is slow, the answer per (area, year) is not.
# --- step 2: the database ---------------------------------------------------------------------
