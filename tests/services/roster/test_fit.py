"""Campaign fit: rows outside the campaign's cohort and levels get no Check unless included."""

import pytest

from selfcheck.models import Check, Student
from selfcheck.services import roster
from tests.factories import student, table, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(tmp_path, rows, campaign, **options):
    return roster.roster_import_run(write_xlsx(tmp_path / "r.xlsx", table(rows)), campaign=campaign, **options)


def mixed():
    """Three 本科 rows of the campaign's cohort, two 2024 专升本 rows and one 2026 专科 row."""
    top_up = {"层次": "专升本", "入学日期": "2024-09-01", "学制": "2", "预计毕业日期": "2026-06-30"}
    return [student(1), student(2), student(3), student(4, **top_up), student(5, **top_up), student(6, 层次="专科")]


def test_rows_outside_the_campaign_are_written_but_get_no_check(tmp_path, campaign, college_a):
    outcome = run(tmp_path, mixed(), campaign)
    assert outcome.committed and outcome.created == 6 and outcome.checks_created == 3
    assert Student.objects.count() == 6
    assert set(Check.objects.values_list("student__student_no", flat=True)) == {
        "2026000001", "2026000002", "2026000003",
    }  # fmt: skip
    assert [(g["cohort"], g["level"], g["count"]) for g in outcome.outside] == [(2024, "zsb", 2), (2026, "zk", 1)]
    assert outcome.as_json()["outside_campaign"] == {
        "rows": 3, "included": False,
        "groups": [{"cohort": 2024, "level": "zsb", "count": 2}, {"cohort": 2026, "level": "zk", "count": 1}],
    }  # fmt: skip
    assert outcome.preview["outside_total"] == 3


def test_staff_can_include_them(tmp_path, campaign, college_a):
    outcome = run(tmp_path, mixed(), campaign, include_outside=True)
    assert outcome.checks_created == 6 and Check.objects.count() == 6
    assert outcome.as_json()["outside_campaign"]["included"] is True


def test_the_preview_counts_the_checks_that_would_be_created(tmp_path, campaign, college_a):
    outcome = run(tmp_path, mixed(), campaign, dry_run=True)
    assert outcome.preview["checks_to_create"] == 3 and not Student.objects.exists()


def test_check_list_rows_outside_the_campaign_change_nothing_unless_included(tmp_path, campaign, college_a):
    run(tmp_path, mixed(), campaign, include_outside=True)
    rows = [["学号", "核对状态"]] + [[f"2026{n:06d}", "已核对"] for n in (1, 4, 6)]
    path = write_csv(tmp_path / "list.csv", rows)
    outcome = roster.roster_import_run(path, campaign=campaign, kind="checklist")
    assert outcome.committed and outcome.updated == 1
    done = set(Check.objects.filter(status=Check.Status.CONFIRMED).values_list("student__student_no", flat=True))
    assert done == {"2026000001"}
    assert sum(g["count"] for g in outcome.outside) == 2
    outcome = roster.roster_import_run(path, campaign=campaign, kind="checklist", include_outside=True)
    assert outcome.updated == 2 and Check.objects.filter(status=Check.Status.CONFIRMED).count() == 3
