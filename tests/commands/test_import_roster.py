"""``manage.py import_roster``: its JSON contract and exit status."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from selfcheck.models import Check, RosterImport, Student
from tests.factories import HEADER, student, table, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
KEYS = {"committed", "created", "updated", "unchanged", "invalid", "errors", "encoding", "header_row", "sheet",
        "identity_changes", "outside_campaign"}  # fmt: skip
NOTHING_OUTSIDE = {"rows": 0, "included": False, "groups": []}


def command(*args) -> tuple[int, dict | str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_roster", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    text = out.getvalue()
    return status, (json.loads(text) if "--json" in args else text), err.getvalue()


def test_json_output_is_exactly_one_object_and_a_commit_exits_0(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(1), student(2)]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 0
    assert set(result) == KEYS
    assert result == {"committed": True, "created": 2, "updated": 0, "unchanged": 0, "invalid": 0, "errors": [],
                      "encoding": "", "header_row": 1, "sheet": "Sheet", "identity_changes": [],
                      "outside_campaign": NOTHING_OUTSIDE}  # fmt: skip
    assert Student.objects.count() == 2 and Check.objects.count() == 2
    assert RosterImport.objects.get().state == RosterImport.State.COMMITTED
    status, again, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert (status, again["created"], again["unchanged"]) == (0, 0, 2)


def test_a_clean_dry_run_exits_0_and_writes_nothing(tmp_path, campaign, college_a):
    path = write_csv(tmp_path / "roster.csv", table([student(1)]), encoding="gbk")
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--dry-run", "--json")
    assert status == 0 and result["committed"] is False and result["created"] == 1 and result["encoding"] == "gbk"
    assert not Student.objects.exists()


def test_invalid_rows_exit_1_with_every_error_and_nothing_written(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(1), student(2, 性别="X"), student(3, 学院="不存在")]))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 1 and result["committed"] is False and result["invalid"] == 2
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "性别"), (4, "学院")]
    assert not Student.objects.exists()
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json", "--valid-only")
    assert status == 0 and result["committed"] is True and result["created"] == 1
    assert Student.objects.count() == 1


def test_an_unreadable_file_exits_2(tmp_path, campaign):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"not a workbook at all")
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 2 and result["committed"] is False and len(result["errors"]) == 1
    assert "与扩展名不符" in result["errors"][0]["message"]


def test_missing_columns_exit_2_naming_each(tmp_path, campaign, college_a):
    header = [h for h in HEADER if h not in ("证件号码", "学院")]
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(1)], header))
    status, result, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 2
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(1, "证件号码"), (1, "学院")]


def test_an_unknown_campaign_or_path_exits_2(tmp_path, campaign):
    status, result, _ = command(str(tmp_path / "nope.xlsx"), "--campaign", campaign.slug, "--json")
    assert status == 2 and "文件不存在" in result["errors"][0]["message"]
    status, result, _ = command(str(tmp_path / "nope.xlsx"), "--campaign", "nope", "--json")
    assert status == 2 and result["errors"][0]["message"].startswith("没有标识为 nope")


def test_the_checklist_kind_and_a_readable_report(tmp_path, campaign, student_a):
    path = write_xlsx(tmp_path / "chsi.xlsx", [["学号", "核对状态"], [student_a.student_no, "已核对"]])
    status, text, _ = command(str(path), "--campaign", campaign.slug, "--kind", "checklist")
    assert status == 0 and "更新 1" in text and "已导入" in text
    assert Check.objects.get(student=student_a).status == Check.Status.CONFIRMED


def test_a_committed_import_refreshes_the_cached_dashboard(
    tmp_path, campaign, college_a, django_capture_on_commit_callbacks
):
    from selfcheck import stats

    def overall():
        return stats.cached(
            campaign, lambda: stats.campaign_overview(Check.objects.filter(campaign=campaign), campaign)
        )

    assert overall()["overall"]["total"] == 0
    path = write_xlsx(tmp_path / "roster.xlsx", table([student(1), student(2)]))
    with django_capture_on_commit_callbacks(execute=True):
        status, _, _ = command(str(path), "--campaign", campaign.slug, "--json")
    assert status == 0
    assert overall()["overall"]["total"] == 2
