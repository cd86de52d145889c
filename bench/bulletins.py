"""Producing a bulletin for a 100,000-student campaign, against openpyxl alone.

    DATABASE_URL=postgres://root@127.0.0.1:5432/postgres python -m bench.bulletins [--students N]

Creates a throwaway database on the server named by DATABASE_URL (an SQLite file when
it is not PostgreSQL), loads it with ``seed_demo --students N`` (default 100,000) and
then, each in a fresh child process so that its peak memory is its own:

- **bulletin**: the whole generation of one bulletin (``bulletin_generate``: the frozen
  snapshot, the Word document and the workbook with a summary and a sheet per college
  of its pending and blocked students) plus rendering its page;
- **baseline**: the same student rows, already read into memory, written with
  openpyxl's write-only mode into one sheet per college, and nothing else.

It prints both times, their ratio (goal ≤ 2×), and each child's peak resident memory
(``ru_maxrss``; goal ≤ 300 MB for the bulletin). Nothing in the test suite asserts on
time; this only prints.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time

from bench.common import Database, base_url

TARGET_RATIO = 2.0
TARGET_MB = 300


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_bulletin() -> dict:
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from selfcheck.models import Bulletin, Campaign, User
    from selfcheck.services.bulletins import bulletin_generate

    campaign = Campaign.objects.get(slug="demo")
    sequence = (
        Bulletin.objects.filter(campaign=campaign).order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=sequence, scheduled_at=timezone.now(),
        state=Bulletin.State.GENERATING, claimed_at=timezone.now(),
    )  # fmt: skip
    before = _peak_mb()
    started = time.perf_counter()
    outcome = bulletin_generate(bulletin)
    generated = time.perf_counter() - started
    client = Client()
    client.force_login(User.objects.get(username="registrar"))
    page = client.get(f"/campaigns/{campaign.slug}/bulletins/{sequence}/")
    total = time.perf_counter() - started
    bulletin.refresh_from_db()
    if outcome != "published" or page.status_code != 200:
        raise RuntimeError(f"generation {outcome}, page {page.status_code}: {bulletin.message}")
    listed = sum(c["pending"] + c["blocked"] for c in bulletin.snapshot["colleges"])
    return {
        "seconds": total,
        "generate_seconds": generated,
        "listed_rows": listed,
        "colleges": len(bulletin.snapshot["colleges"]),
        "xlsx_bytes": bulletin.spreadsheet.size,
        "docx_bytes": bulletin.document.size,
        "peak_mb": _peak_mb(),
        "peak_mb_before": before,
    }


def measure_baseline() -> dict:
    import django

    django.setup()
    from openpyxl import Workbook

    from selfcheck.masking import mask_id_number
    from selfcheck.models import Campaign
    from selfcheck.services.bulletin_documents import listed_checks

    rows = [
        (code, [no, name, mask_id_number(id_number), major, class_name, status, reason, phone])
        for code, no, name, id_number, major, class_name, status, reason, phone in listed_checks(
            Campaign.objects.get(slug="demo").pk
        )
    ]
    before = _peak_mb()
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheets = {}
    for code, row in rows:
        if code not in sheets:
            sheets[code] = workbook.create_sheet(title=code)
            sheets[code].append(["学号", "姓名", "证件号码", "专业", "班级", "核对状态", "无法登录原因", "联系电话"])
        sheets[code].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {
        "seconds": time.perf_counter() - started,
        "rows": len(rows),
        "peak_mb": _peak_mb(),
        "peak_mb_before": before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--measure", choices=("bulletin", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.measure:
        result = measure_bulletin() if args.measure == "bulletin" else measure_baseline()
        print(json.dumps(result))
        return

    database = Database(f"bench_bulletins_{os.getpid()}", base_url()).create()
    try:
        print(f"seeding {args.students:,} students on {'PostgreSQL' if database.server else 'SQLite'} ...", flush=True)
        seeded = database.seed(args.students)
        print(f"  seeded in {seeded:.1f} s", flush=True)
        baseline = database.run_module("bench.bulletins", "baseline")
        bulletin = database.run_module("bench.bulletins", "bulletin")
        baseline_again = database.run_module("bench.bulletins", "baseline")
    finally:
        if not args.keep:
            database.drop()
    floor = min(baseline["seconds"], baseline_again["seconds"])
    ratio = bulletin["seconds"] / floor
    print(f"listed rows (pending + blocked): {bulletin['listed_rows']:,} in {bulletin['colleges']} college sheets")
    print(
        f"baseline, openpyxl write-only alone: {floor:.2f} s (runs: {baseline['seconds']:.2f}, {baseline_again['seconds']:.2f})"
    )
    print(
        f"bulletin, snapshot + .docx + .xlsx + page: {bulletin['seconds']:.2f} s "
        f"(generation {bulletin['generate_seconds']:.2f} s; xlsx {bulletin['xlsx_bytes'] / 1e6:.1f} MB, "
        f"docx {bulletin['docx_bytes'] / 1e3:.0f} kB)"
    )
    print(
        f"ratio bulletin / baseline: {ratio:.2f}x (goal <= {TARGET_RATIO:.0f}x) {'OK' if ratio <= TARGET_RATIO else 'OVER'}"
    )
    print(
        f"peak memory: bulletin child {bulletin['peak_mb']:.0f} MB (after Django start {bulletin['peak_mb_before']:.0f} MB), "
        f"baseline child {baseline['peak_mb']:.0f} MB (goal <= {TARGET_MB} MB) "
        f"{'OK' if bulletin['peak_mb'] <= TARGET_MB else 'OVER'}"
    )


if __name__ == "__main__":
    sys.exit(main())
