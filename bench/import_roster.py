"""How fast a roster import is against what the tools underneath can do.

    DATABASE_URL=postgres://root@127.0.0.1:5432/postgres python -m bench.import_roster [--rows 50000]

Generates an N-row, 16-column roster (.xlsx, real date cells, ID numbers as text) and
times, each in a fresh process on a throwaway database:

* **ours**: ``roster_import_run`` — read (sandboxed calamine), normalise, validate
  every row, compare with the database, commit students + Checks + audit event;
* **(a) floor**: python-calamine parsing alone plus a PostgreSQL ``COPY`` of the same
  rows into a copy of the students table (same columns, indexes, constraints; cells
  mapped only as far as the column types need). Also shown: the COPY into a bare
  16-column text table without indexes (SQLite: ``executemany`` instead of COPY);
* **(b) django-import-export**: a ``ModelResource`` for Student with ``use_bulk``,
  ``CachedInstanceLoader`` and ``skip_diff`` (its documented best tuning), reading
  the file with its own XLSX format; **(b+)** the same with the college looked up
  from one cached query instead of the stock ``ForeignKeyWidget``'s query per row;
* **ours again**: the same file imported a second time (everything unchanged).

Prints each time, the ratios (targets for 50,000 rows on PostgreSQL: ours ≤ 3 × (a),
stretch 2 ×; ours again ≤ 1.5 × (a); (b) ≥ 10 × ours; peak memory ≤ 300 MB) and the peak
memory of our import (the process plus the parser child). Nothing in the test suite
asserts on time; this only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Database, base_url, database_name

TARGET_FLOOR_RATIO = 3.0
STRETCH_FLOOR_RATIO = 2.0
TARGET_AGAIN_RATIO = 1.5
TARGET_IMPORT_EXPORT_RATIO = 10.0
TARGET_PEAK_MB = 300
HEADERS = [
    "学号", "考生号", "姓名", "性别", "出生日期", "民族", "证件类型", "证件号码",
    "学院", "专业", "专业代码", "班级", "层次", "学制", "入学日期", "预计毕业日期",
]  # fmt: skip
CAMPAIGN = "bench"


# --- child steps (run with --measure STEP inside a process whose DATABASE_URL names the bench db) ---


def _setup():
    import django

    django.setup()


def _peak_mb() -> dict:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"process_mb": round(own, 1), "parser_child_mb": round(children, 1)}


def step_prepare(path: str, rows: int) -> dict:
    """Colleges and a campaign in the database, and the roster file on disk."""
    _setup()
    import random
    from datetime import date, timedelta
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from selfcheck.demo import AREAS, COLLEGES, ETHNICITIES, GIVEN_CHARS, SURNAMES, _make_colleges, resident_id
    from selfcheck.models import Campaign, College

    if not College.objects.exists():
        _make_colleges()
    Campaign.objects.get_or_create(
        slug=CAMPAIGN,
        defaults={"name": "基准测试", "cohort": 2026, "levels": ["bk", "zsb"], "opens_on": date(2026, 10, 1),
                  "closes_on": date(2026, 11, 30)},
    )  # fmt: skip
    started = time.perf_counter()
    rng = random.Random(7)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    sheet.append(HEADERS)
    enrolled = date(2026, 9, 1)
    for index in range(rows):
        code, college, _, majors = COLLEGES[index % len(COLLEGES)]
        major, major_code, short = majors[(index // len(COLLEGES)) % len(majors)]
        gender = "M" if rng.random() < 0.52 else "F"
        birth = date(2007, 1, 1) + timedelta(days=(index // len(AREAS)) % 700)
        number = resident_id(AREAS[index % len(AREAS)], birth, index // (len(AREAS) * 700), gender)
        level = "专升本" if index % 12 == 0 else "本科"
        years = Decimal("2") if level == "专升本" else Decimal("4")
        id_cell = WriteOnlyCell(sheet, value=number)
        id_cell.number_format = "@"
        sheet.append([
            f"2026{code}{index + 1:06d}", f"26{rng.randint(10, 65)}{rng.randint(10**9, 10**10 - 1)}",
            rng.choice(SURNAMES) + rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS), "男" if gender == "M" else "女",
            birth, rng.choice(ETHNICITIES), "居民身份证", id_cell, college, major, major_code,
            f"{short}26{rng.randint(1, 4):02d}", level, float(years), enrolled, date(2026 + int(years), 6, 30),
        ])  # fmt: skip
    workbook.save(path)
    return {"rows": rows, "bytes": os.path.getsize(path), "generate_s": round(time.perf_counter() - started, 2)}


def step_reset() -> dict:
    _setup()
    from django.db import connection

    from selfcheck.models import AuditEvent, Check, RosterImport, Student

    Check.objects.all().delete()
    Student.objects.all().delete()
    RosterImport.objects.all().delete()
    AuditEvent.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE selfcheck_student")
            cursor.execute("VACUUM ANALYZE selfcheck_check")
    return {}


def ours_process(database: Database, path: Path) -> dict:
    """The whole ``manage.py import_roster`` process, start-up included, timed from outside."""
    import subprocess

    from bench.common import ROOT, child_env

    command = [sys.executable, str(ROOT / "bench" / "_rusage.py"), "import_roster", str(path), "--campaign", CAMPAIGN,
               "--json"]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, env=child_env(database.url), cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"import_roster exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    memory = json.loads(result.stderr.strip().splitlines()[-1])
    return {"seconds": round(elapsed, 3), **{k: outcome[k] for k in ("created", "updated", "unchanged", "invalid")},
            **memory}  # fmt: skip


def step_ours(path: str) -> dict:
    _setup()
    from selfcheck.models import Campaign, Student
    from selfcheck.services.roster import roster_import_run

    campaign = Campaign.objects.get(slug=CAMPAIGN)
    started = time.perf_counter()
    outcome = roster_import_run(path, campaign=campaign)
    elapsed = time.perf_counter() - started
    if outcome.refused or not outcome.committed:
        raise RuntimeError(f"import did not commit: {outcome.refused or outcome.errors[:5]}")
    return {
        "seconds": round(elapsed, 3),
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "invalid": outcome.invalid,
        "checks_created": outcome.checks_created,
        "students": Student.objects.count(),
        **_peak_mb(),
    }


def step_floor(path: str) -> dict:
    """python-calamine parsing alone, then a COPY of the same rows, two ways:

    * into a copy of the students table (``LIKE selfcheck_student INCLUDING ALL``: the
      same columns, indexes and constraints), the cells mapped only as far as the column
      types need (男 → M, college name → id), in one transaction — what loading these
      students costs the database at the least;
    * into a plain table of 16 text columns, with no index — the bare lower bound.
    """
    _setup()
    import csv
    import io

    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from selfcheck.models import College

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[1:]
    parse_s = time.perf_counter() - started

    def copy(table: str, columns: str, data) -> float:
        began = time.perf_counter()
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(data)
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
            else:
                marks = ", ".join(["%s"] * (columns.count(",") + 1))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(csv.reader(buffer)))
        return time.perf_counter() - began

    colleges = dict(College.objects.values_list("name", "pk"))
    gender, level = {"男": "M", "女": "F"}, {"本科": "bk", "专升本": "zsb"}
    stamp = timezone.now().isoformat()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_students")
        cursor.execute("DROP TABLE IF EXISTS bench_text")
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_students (LIKE selfcheck_student INCLUDING ALL)")
        else:
            cursor.execute("CREATE TABLE bench_students AS SELECT * FROM selfcheck_student WHERE 0")
        cursor.execute(f"CREATE TABLE bench_text ({', '.join(f'c{i} text' for i in range(len(HEADERS)))})")
    student_columns = (
        "student_no, exam_no, name, gender, birth_date, ethnicity, id_type, id_number, college_id, major, major_code, "
        "class_name, level, duration, study_mode, education_type, enrolled_on, expected_graduation, status, phone, "
        "cohort, created_at, updated_at, roster_digest"
    )
    table_s = copy(
        "bench_students",
        student_columns,
        (
            [
                r[0],
                r[1],
                r[2],
                gender[r[3]],
                r[4],
                r[5],
                "resident",
                r[7],
                colleges[r[8]],
                r[9],
                r[10],
                r[11],
                level[r[12]],
                r[13],
                "普通全日制",
                "普通高等教育",
                r[14],
                r[15],
                "注册学籍",
                "",
                r[14].year,
                stamp,
                stamp,
                "",
            ]
            for r in rows
        ),  # fmt: skip
    )
    text_s = copy("bench_text", ", ".join(f"c{i}" for i in range(len(HEADERS))), rows)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_students")
        cursor.execute("DROP TABLE bench_text")
    return {
        "seconds": round(parse_s + table_s, 3),
        "parse_s": round(parse_s, 3),
        "copy_s": round(table_s, 3),
        "text_seconds": round(parse_s + text_s, 3),
        "text_copy_s": round(text_s, 3),
        "rows": len(rows),
        "method": "COPY" if connection.vendor == "postgresql" else "executemany",
    }


def step_import_export(path: str, cached_college: bool = False) -> dict:
    """(b): the three documented tunings, the college through the stock ForeignKeyWidget;
    with ``cached_college`` also a widget that looks colleges up from one query (b+)."""
    _setup()
    from import_export import fields, resources, widgets
    from import_export.formats.base_formats import XLSX
    from import_export.instance_loaders import CachedInstanceLoader

    from selfcheck.models import College, Student

    class Choice(widgets.Widget):
        def __init__(self, mapping):
            super().__init__()
            self.mapping = mapping

        def clean(self, value, row=None, **kwargs):
            return self.mapping.get(str(value).strip(), value)

    class CachedCollege(widgets.ForeignKeyWidget):
        """One query for all colleges instead of one per row."""

        def __init__(self):
            super().__init__(College, "name")
            self.cache = {college.name: college for college in College.objects.all()}

        def clean(self, value, row=None, **kwargs):
            return self.cache[value]

    def column(attribute, title, widget=None):
        return fields.Field(attribute=attribute, column_name=title, widget=widget)

    class StudentResource(resources.ModelResource):
        student_no = column("student_no", "学号")
        exam_no = column("exam_no", "考生号")
        name = column("name", "姓名")
        gender = column("gender", "性别", Choice({"男": "M", "女": "F"}))
        birth_date = column("birth_date", "出生日期", widgets.DateWidget())
        ethnicity = column("ethnicity", "民族")
        id_type = column("id_type", "证件类型", Choice({"居民身份证": "resident"}))
        id_number = column("id_number", "证件号码")
        college = column(
            "college", "学院", CachedCollege() if cached_college else widgets.ForeignKeyWidget(College, "name")
        )
        major = column("major", "专业")
        major_code = column("major_code", "专业代码")
        class_name = column("class_name", "班级")
        level = column("level", "层次", Choice({"本科": "bk", "专升本": "zsb"}))
        duration = column("duration", "学制", widgets.DecimalWidget())
        enrolled_on = column("enrolled_on", "入学日期", widgets.DateWidget())
        expected_graduation = column("expected_graduation", "预计毕业日期", widgets.DateWidget())

        class Meta:
            model = Student
            import_id_fields = ("student_no",)
            fields = (
                "student_no", "exam_no", "name", "gender", "birth_date", "ethnicity", "id_type", "id_number",
                "college", "major", "major_code", "class_name", "level", "duration", "enrolled_on",
                "expected_graduation",
            )  # fmt: skip
            use_bulk = True
            batch_size = 5000
            skip_diff = True
            instance_loader_class = CachedInstanceLoader

        def before_save_instance(self, instance, row, **kwargs):
            instance.cohort = instance.enrolled_on.year

    started = time.perf_counter()
    with open(path, "rb") as handle:
        dataset = XLSX().create_dataset(handle.read())
    loaded = time.perf_counter()
    result = StudentResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("django-import-export reported errors")
    return {
        "seconds": round(elapsed, 3),
        "read_s": round(loaded - started, 3),
        "students": Student.objects.count(),
        **_peak_mb(),
    }


STEPS = {
    "prepare": lambda a: step_prepare(a.file, a.rows),
    "reset": lambda a: step_reset(),
    "ours": lambda a: step_ours(a.file),
    "floor": lambda a: step_floor(a.file),
    "import_export": lambda a: step_import_export(a.file),
    "import_export_cached": lambda a: step_import_export(a.file, cached_college=True),
}


# --- the parent ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--skip-import-export", action="store_true", help="leave out (b); it takes about a minute")
    parser.add_argument(
        "--in-process", action="store_true", help="also time roster_import_run inside a started process"
    )
    parser.add_argument("--measure", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(STEPS[args.measure](args)))
        return 0

    server = base_url()
    database = Database(database_name("bench_import"), server).create()
    workdir = Path(tempfile.mkdtemp(prefix="selfcheck-bench-import-"))
    roster = workdir / "roster.xlsx"
    where = "PostgreSQL" if server else "SQLite (set DATABASE_URL=postgres://... for the real targets)"
    print(f"Roster import benchmark: {args.rows:,} rows × {len(HEADERS)} columns, xlsx, on {where}")
    try:
        database.manage("migrate", "--verbosity", "0")

        def run(step: str) -> dict:
            return database.run_module("bench.import_roster", step, "--rows", str(args.rows), "--file", str(roster))

        prepared = run("prepare")
        print(f"  file: {prepared['bytes'] / 1024 / 1024:.1f} MB, generated in {prepared['generate_s']} s")
        floor = run("floor")
        ours = ours_process(database, roster)
        again = ours_process(database, roster)
        inside = None
        if args.in_process:
            run("reset")
            inside = run("ours")
        if args.skip_import_export:
            other = cached = None
        else:
            run("reset")
            other = run("import_export")
            run("reset")
            cached = run("import_export_cached")
    finally:
        database.drop()
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()

    peak = ours["process_mb"] + ours["parser_child_mb"]
    print(f"  ours: manage.py import_roster, whole process: {ours['seconds']:7.2f} s  ({ours['created']:,} created)")
    print(
        f"  ours again (all unchanged), whole process:    {again['seconds']:7.2f} s  ({again['unchanged']:,} unchanged)"
    )
    if inside is not None:
        print(f"  roster_import_run inside a started process:   {inside['seconds']:7.2f} s")
    print(f"  (a) calamine parse + {floor['method']} into a bare text table:     {floor['text_seconds']:5.2f} s  "
          f"(parse {floor['parse_s']} s + {floor['method']} {floor['text_copy_s']} s)")  # fmt: skip
    print(f"      calamine parse + {floor['method']} into a students-shaped table: {floor['seconds']:5.2f} s  "
          f"(parse {floor['parse_s']} s + {floor['method']} {floor['copy_s']} s)")  # fmt: skip
    ratio_floor = ours["seconds"] / floor["text_seconds"]
    ratio_again = again["seconds"] / floor["text_seconds"]
    ratio_table = ours["seconds"] / floor["seconds"]
    print(f"  ours / (a) = {ratio_floor:.2f}   (target ≤ {TARGET_FLOOR_RATIO}, stretch ≤ {STRETCH_FLOOR_RATIO})")
    print(
        f"  again / (a) = {ratio_again:.2f}  (target ≤ {TARGET_AGAIN_RATIO});  ours / students-shaped = {ratio_table:.2f}"
    )
    result = {"rows": args.rows, "database": "postgresql" if server else "sqlite", "ours": ours, "again": again,
              "floor": floor, "ratio_floor": round(ratio_floor, 2), "ratio_again": round(ratio_again, 2),
              "ratio_floor_table": round(ratio_table, 2), "in_process": inside}  # fmt: skip
    if other is not None:
        ratio_other = other["seconds"] / ours["seconds"]
        print(
            f"  (b) django-import-export tuned:    {other['seconds']:7.2f} s  (reading the xlsx: {other['read_s']} s)"
        )
        print(f"  (b) / ours = {ratio_other:.1f}   (target ≥ {TARGET_IMPORT_EXPORT_RATIO})")
        ratio_cached = cached["seconds"] / ours["seconds"]
        print(f"  (b+) the same with colleges cached: {cached['seconds']:7.2f} s  → (b+) / ours = {ratio_cached:.1f}")
        result.update(import_export=other, ratio_import_export=round(ratio_other, 1),
                      import_export_cached=cached, ratio_import_export_cached=round(ratio_cached, 1))  # fmt: skip
    print(f"  peak memory of ours: {ours['process_mb']:.0f} MB process + {ours['parser_child_mb']:.0f} MB parser child "
          f"= {peak:.0f} MB   (target ≤ {TARGET_PEAK_MB} MB)")  # fmt: skip
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
