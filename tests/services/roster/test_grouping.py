"""Identical errors grouped with a count and their first rows; every error kept for the download."""

import pytest

from selfcheck.services import roster
from selfcheck.services.roster.grouping import group_problems
from selfcheck.services.roster.problems import RowProblem
from tests.factories import student, table, write_xlsx

pytestmark = pytest.mark.django_db


def test_identical_problems_form_one_group_with_the_first_rows():
    problems = [RowProblem(n, "学院", "学院“X”不存在") for n in range(2, 30)] + [RowProblem(5, "性别", "性别不能为空")]
    groups = group_problems(problems, first=3)
    assert groups == [
        {"column": "学院", "message": "学院“X”不存在", "count": 28, "rows": [2, 3, 4]},
        {"column": "性别", "message": "性别不能为空", "count": 1, "rows": [5]},
    ]


def test_an_import_groups_its_errors_in_the_preview_and_keeps_each_one(tmp_path, campaign, college_a):
    rows = [student(n, 学院="不存在的学院") for n in range(1, 242)] + [student(300)]
    outcome = roster.roster_import_run(write_xlsx(tmp_path / "r.xlsx", table(rows)), campaign=campaign)
    assert not outcome.committed and outcome.invalid == 241 and len(outcome.errors) == 241
    (group,) = outcome.preview["error_groups"]
    assert (group["message"], group["count"], group["rows"][:3]) == ("学院“不存在的学院”不存在", 241, [2, 3, 4])
    assert "下方" not in group["message"]
