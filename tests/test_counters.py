"""The dashboards' counts: moved with each status change, rebuilt by the writers of many
checks or students, read instead of the checks, and verified against them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from selfcheck import counters, stats
from selfcheck.models import Campaign, Check, CheckCount
from selfcheck.services import roster
from selfcheck.services.admin_edits import admin_edit_record, admin_values
from selfcheck.services.campaigns import campaign_sync_checks
from selfcheck.services.checks import check_set_status
from selfcheck.services.students import student_sync_checks
from tests.factories import make_student, student, table, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def totals(campaign) -> dict:
    return {row["code"]: (row["total"], row["done"]) for row in counters.college_counts(campaign)}


def test_a_status_change_moves_one_count_in_the_same_transaction(campaign, student_a, student_b, registrar):
    assert counters.counts_drift(campaign.pk) == []
    check = Check.objects.get(student=student_a)
    check_set_status(check, status=Check.Status.CONFIRMED, by=registrar, reason="电话确认")
    assert totals(campaign) == {"A01": (1, 1), "B02": (1, 0)}
    assert counters.counts_drift(campaign.pk) == []
    overview = counters.campaign_overview(campaign)
    assert overview["trend"][-1]["done"] == 1


def test_moving_a_student_to_another_class_or_college_moves_their_counts(campaign, student_a, college_b):
    student_a.class_name = "软件2699"
    student_a.save()
    assert counters.counts_drift(campaign.pk) != []  # a bare save is not the service
    student_sync_checks(student_a)
    assert counters.counts_drift(campaign.pk) == []
    student_a.college = college_b
    student_a.save()
    student_sync_checks(student_a)
    assert totals(campaign) == {"B02": (1, 0)} and counters.counts_drift(campaign.pk) == []


def test_an_admin_edit_of_a_students_class_recounts(campaign, student_a, registrar):
    before = admin_values(student_a, ["class_name"])
    student_a.class_name = "软件2699"
    student_a.save()
    admin_edit_record(student_a, before=before, created=False, by=registrar)
    assert counters.counts_drift(campaign.pk) == []


def test_bulk_writes_rebuild_the_counts(tmp_path, campaign, college_a, registrar):
    roster.roster_import_run(
        write_xlsx(tmp_path / "r.xlsx", table([student(n) for n in range(1, 6)])), campaign=campaign
    )
    assert totals(campaign) == {"A01": (5, 0)} and counters.counts_drift(campaign.pk) == []
    rows = [["学号", "核对状态"], ["2026000001", "已核对"], ["2026000002", "有误"]]
    roster.roster_import_run(write_csv(tmp_path / "list.csv", rows), campaign=campaign, kind="checklist")
    assert totals(campaign) == {"A01": (5, 2)} and counters.counts_drift(campaign.pk) == []
    moved = roster.roster_import_run(
        write_xlsx(tmp_path / "r2.xlsx", table([student(1, 班级="软件2609")])), campaign=campaign
    )
    assert moved.updated == 1 and counters.counts_drift(campaign.pk) == []


def test_opening_a_campaign_counts_its_new_checks(campaign, college_a):
    other = Campaign.objects.create(slug="next", name="下一次", cohort=campaign.cohort, levels=["bk"],
                                    opens_on=campaign.opens_on, closes_on=campaign.closes_on)  # fmt: skip
    make_student(college_a, cohort=campaign.cohort)
    assert campaign_sync_checks(other) == 1
    assert totals(other) == {"A01": (1, 0)} and counters.counts_drift(other.pk) == []


def test_the_counted_overviews_equal_a_count_of_the_checks(campaign, student_a, student_b, registrar, secretary_a):
    check_set_status(Check.objects.get(student=student_a), status=Check.Status.CONFIRMED, by=registrar, reason="x")
    checks = Check.objects.filter(campaign=campaign)
    counted, direct = counters.campaign_overview(campaign), stats.campaign_overview(checks, campaign)
    assert counted["overall"] == direct["overall"] and counted["trend"] == direct["trend"]
    assert [r["code"] for r in counted["colleges"]] == [r["code"] for r in direct["colleges"]]
    college = student_a.college
    counted = counters.college_overview(campaign, college)
    direct = stats.college_overview(checks.filter(college=college), campaign)
    outlook = counted.pop("forecast")  # the counted overview also forecasts
    assert counted == direct
    assert (outlook.total, outlook.done) == (direct["counts"]["total"], direct["counts"]["done"])


def test_the_dashboards_read_the_counts_not_the_checks(client, registrar, campaign, student_a, student_b):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED)  # behind the counts' back
    client.force_login(registrar)
    page = client.get(reverse("campaign_dashboard", args=[campaign.slug]))
    assert page.context["overall"]["done"] == 0  # what the counts say, until rebuilt
    counters.counts_rebuild([campaign.pk])
    stats.invalidate(campaign.pk)
    assert client.get(reverse("campaign_dashboard", args=[campaign.slug])).context["overall"]["done"] == 1


def test_campaign_status_verify_reports_drift_and_rebuild_repairs_it(campaign, student_a, student_b):
    out = StringIO()
    call_command("campaign_status", campaign.slug, "--verify", stdout=out)
    assert "counts match the checks" in out.getvalue()
    Check.objects.filter(student=student_a).update(status=Check.Status.MISSING)
    with pytest.raises(CommandError) as raised:
        call_command("campaign_status", campaign.slug, "--verify", stdout=StringIO())
    assert raised.value.returncode == 1 and str(raised.value) == "2 dashboard counts differ from the checks"
    out = StringIO()
    call_command("campaign_status", campaign.slug, "--verify", "--json", "--rebuild", stdout=out)
    assert '"rebuilt": true' in out.getvalue()
    assert counters.counts_drift(campaign.pk) == []
    assert CheckCount.objects.filter(campaign=campaign, status="missing").get().n == 1
