"""export_corrections, campaign_status's correction counts and the demo requests."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Campaign, Check, CorrectionRequest
from tests.factories import file_correction

S = CorrectionRequest.State


def _filed(student, state, **kwargs):
    correction = file_correction(Check.objects.select_related("campaign", "student").get(student=student), **kwargs)
    CorrectionRequest.objects.filter(pk=correction.pk).update(state=state, province_reference="文号-1")
    return correction


def test_it_writes_the_chsi_list_with_full_id_numbers_and_audits_it(tmp_path, campaign, student_a, student_b):
    _filed(student_a, S.APPROVED, changes={"ethnicity": "回族", "exam_no": "26110101"})
    _filed(student_b, S.SUBMITTED)
    out = tmp_path / "chsi.xlsx"
    stdout = io.StringIO()
    call_command("export_corrections", campaign.slug, "--out", str(out), stdout=stdout)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("学号", "姓名", "证件号码", "变更字段", "原值", "新值", "变更原因", "审批文号")
    assert sorted(r[3] for r in rows[1:]) == ["民族 MZ", "考生号 KSH"]
    assert {r[2] for r in rows[1:]} == {student_a.id_number}
    assert rows[1][7] == "文号-1"
    assert "2 changed fields" in stdout.getvalue()
    assert AuditEvent.objects.filter(action="corrections.export", target_id=str(campaign.pk)).count() == 1


def test_state_filter_and_bad_arguments(tmp_path, campaign, student_a):
    _filed(student_a, S.APPROVED)
    out = tmp_path / "applied.xlsx"
    call_command("export_corrections", campaign.slug, "--state", "applied", "--out", str(out), stdout=io.StringIO())
    assert len(list(load_workbook(out).active.iter_rows())) == 1  # the header only
    with pytest.raises(CommandError, match="no campaign"):
        call_command("export_corrections", "nope", "--out", str(out))
    with pytest.raises(CommandError, match="xlsx"):
        call_command("export_corrections", campaign.slug, "--out", str(tmp_path / "x.csv"))


def test_campaign_status_counts_open_requests_by_state(campaign, student_a, student_b):
    _filed(student_a, S.FORWARDED)
    _filed(student_b, S.APPLIED)
    out = io.StringIO()
    call_command("campaign_status", campaign.slug, "--json", stdout=out)
    corrections = json.loads(out.getvalue())["corrections"]
    assert corrections["forwarded"] == 1 and corrections["submitted"] == 0
    assert "applied" not in corrections  # closed requests are not open work


@pytest.mark.django_db
def test_seed_demo_makes_requests_in_every_state_with_evidence(tmp_path):
    call_command("seed_demo", "--students", "150", "--seed", "3", stdout=io.StringIO())
    states = set(CorrectionRequest.objects.values_list("state", flat=True))
    assert states == set(S.values)
    assert all(c.evidence.exists() for c in CorrectionRequest.objects.all())
    out = tmp_path / "demo.xlsx"
    call_command("export_corrections", "demo", "--out", str(out), stdout=io.StringIO())
    assert len(list(load_workbook(out).active.iter_rows())) >= 4
    assert Campaign.objects.get(slug="demo").corrections.filter(state=S.APPLIED).count() == 2
