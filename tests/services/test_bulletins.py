"""Bulletin schedule rules, claims, generation and its frozen content."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Bulletin, Campaign, Check, College
from selfcheck.services.bulletin_content import chinese_ordinal, safe_sheet_names
from selfcheck.services.bulletin_documents import workbook_part
from selfcheck.services.bulletin_mail import bulletin_mail_secretaries
from selfcheck.services.bulletins import (
    BulletinError,
    bulletin_generate,
    bulletin_publish_now,
    bulletin_schedule,
    bulletins_dispatch_due,
)
from tests.factories import make_check, make_student


def _ignore(bulletin_id: int) -> None:
    """A queue for dispatches whose generation the test runs itself."""


def _due(campaign, sequence=1, **fields) -> Bulletin:
    return Bulletin.objects.create(
        campaign=campaign, sequence=sequence, scheduled_at=timezone.now() - timedelta(minutes=1), **fields
    )


def _set(student, status, completed_at=None, **fields):
    Check.objects.filter(student=student).update(status=status, completed_at=completed_at, **fields)


# --- claims and schedule rules ---------------------------------------------------------


def test_dispatch_claims_a_due_bulletin_once_and_queues_it_after_commit(
    campaign, student_a, django_capture_on_commit_callbacks
):
    due = _due(campaign)
    later = Bulletin.objects.create(campaign=campaign, sequence=2, scheduled_at=timezone.now() + timedelta(days=1))
    queued = []
    with django_capture_on_commit_callbacks() as callbacks:
        assert bulletins_dispatch_due(queue=queued.append) == [due.pk]
    assert queued == [] and len(callbacks) == 1  # nothing queued before the claim commits
    callbacks[0]()
    assert queued == [due.pk]
    assert bulletins_dispatch_due(queue=queued.append) == []
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.state == Bulletin.State.GENERATING and not due.snapshot
    assert later.state == Bulletin.State.SCHEDULED


def test_a_due_bulletin_of_a_draft_campaign_waits_until_it_opens(campaign, student_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    due = _due(campaign)
    assert bulletins_dispatch_due(queue=_ignore) == []
    assert Bulletin.objects.get(pk=due.pk).state == Bulletin.State.SCHEDULED
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.OPEN)
    assert bulletins_dispatch_due(queue=_ignore) == [due.pk]


def test_generation_of_a_claim_whose_campaign_was_closed_gives_the_claim_back(campaign, student_a):
    due = _due(campaign)
    assert bulletins_dispatch_due(queue=_ignore) == [due.pk]
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.CLOSED)
    assert bulletin_generate(due) == "waiting"
    due.refresh_from_db()
    assert due.state == Bulletin.State.SCHEDULED and due.claimed_at is None and not due.spreadsheet


def test_a_claim_left_by_a_dead_worker_is_taken_again(campaign):
    now = timezone.now()
    stuck = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=now - timedelta(hours=1),
        state=Bulletin.State.GENERATING, claimed_at=now - timedelta(hours=1),
    )  # fmt: skip
    fresh = Bulletin.objects.create(
        campaign=campaign, sequence=2, scheduled_at=now - timedelta(hours=1),
        state=Bulletin.State.GENERATING, claimed_at=now - timedelta(minutes=1),
    )  # fmt: skip
    assert bulletins_dispatch_due(now, queue=_ignore) == [stuck.pk]
    assert Bulletin.objects.get(pk=fresh.pk).claimed_at == now - timedelta(minutes=1)


def test_a_time_outside_the_window_needs_confirmation(campaign, registrar):
    outside = timezone.make_aware(datetime.combine(campaign.closes_on + timedelta(days=2), datetime.min.time()))
    with pytest.raises(BulletinError, match="不在活动期间"):
        bulletin_schedule(campaign, scheduled_at=outside, by=registrar)
    bulletin = bulletin_schedule(campaign, scheduled_at=outside, by=registrar, confirm_outside=True)
    assert bulletin.sequence == 1 and bulletin.state == Bulletin.State.SCHEDULED
    with pytest.raises(BulletinError, match="已过"):
        bulletin_schedule(campaign, scheduled_at=timezone.now() - timedelta(hours=1), by=registrar)
    assert AuditEvent.objects.filter(action="bulletin.schedule").count() == 1


def test_publish_now_is_refused_for_a_draft_campaign(campaign, registrar):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    campaign.refresh_from_db()
    with pytest.raises(BulletinError):
        bulletin_publish_now(campaign, by=registrar)
    assert not Bulletin.objects.exists()


def test_publish_now_claims_a_new_bulletin_that_the_dispatcher_leaves_alone(campaign, registrar, student_a):
    _due(campaign, sequence=1, state=Bulletin.State.PUBLISHED)
    bulletin = bulletin_publish_now(campaign, by=registrar)
    assert bulletin.sequence == 2 and bulletin.state == Bulletin.State.GENERATING
    assert bulletins_dispatch_due(queue=_ignore) == []
    assert bulletin_generate(bulletin) == "published"


# --- generation ------------------------------------------------------------------------


def test_generating_twice_yields_one_frozen_bulletin(campaign, student_a, django_capture_on_commit_callbacks):
    bulletin = _due(campaign)
    published = []
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletin_generate(bulletin, on_published=published.append) == "published"
    first = Bulletin.objects.get(pk=bulletin.pk)
    _set(student_a, Check.Status.CONFIRMED, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletin_generate(bulletin, on_published=published.append) == "already"
    again = Bulletin.objects.get(pk=bulletin.pk)
    assert again.snapshot == first.snapshot and again.spreadsheet.name == first.spreadsheet.name
    assert AuditEvent.objects.filter(action="bulletin.publish").count() == 1
    assert published == [bulletin.pk]


def test_bad_data_fails_the_bulletin_with_a_message_and_is_not_raised(campaign, student_a):
    # A previous bulletin whose frozen numbers were damaged (edited by hand in the admin).
    _due(campaign, sequence=1, state=Bulletin.State.PUBLISHED, generated_at=timezone.now(),
         snapshot={"colleges": [{"code": "A01"}]})  # fmt: skip
    bulletin = _due(campaign, sequence=2, state=Bulletin.State.GENERATING, claimed_at=timezone.now())
    assert bulletin_generate(bulletin) == "failed"
    bulletin.refresh_from_db()
    assert bulletin.state == Bulletin.State.FAILED
    assert "KeyError" in bulletin.snapshot["error"] and "重试不会成功" in bulletin.snapshot["error"]
    assert AuditEvent.objects.filter(action="bulletin.fail", target_id=str(bulletin.pk)).exists()


def test_snapshot_numbers_match_hand_counts_in_shanghai_time(campaign, college_a, college_b, student_a, student_b):
    """Two colleges, six students; a check completed at 23:30 UTC is on the next Shanghai day."""
    a2, a3, a4 = (make_student(college_a) for _ in range(3))
    b2 = make_student(college_b)
    for student in (a2, a3, a4, b2):
        make_check(campaign, student)
    opens = campaign.opens_on
    late_evening_utc = datetime(opens.year, opens.month, opens.day, 23, 30, tzinfo=UTC)  # opens+1 in Shanghai
    _set(student_a, Check.Status.CONFIRMED, late_evening_utc)
    _set(a2, Check.Status.DISCREPANCY, late_evening_utc + timedelta(days=1))
    _set(a3, Check.Status.BLOCKED, blocked_reason=Check.BlockedReason.PHONE_TAKEN)
    _set(student_b, Check.Status.CONFIRMED, late_evening_utc - timedelta(hours=12))  # opens, 19:30 Shanghai
    _set(b2, Check.Status.MISSING)
    generated = timezone.now()
    bulletin = _due(campaign)
    assert bulletin_generate(bulletin) == "published"
    s = Bulletin.objects.get(pk=bulletin.pk).snapshot

    # College A: 4 students, 2 done (50.0%); college B: 2 students, 1 done (50.0%): tie at rank 1.
    assert s["overall"] == {
        "total": 6, "done": 3, "open": 3, "pending": 1, "blocked": 1, "missing": 1, "discrepancy": 1, "rate": 50.0,
    }  # fmt: skip
    by_code = {c["code"]: c for c in s["colleges"]}
    assert (by_code["A01"]["total"], by_code["A01"]["done"], by_code["A01"]["rate"]) == (4, 2, 50.0)
    assert (by_code["B02"]["total"], by_code["B02"]["done"], by_code["B02"]["open"]) == (2, 1, 1)
    assert by_code["A01"]["rank"] == by_code["B02"]["rank"] == 1
    assert all(c["below_target"] for c in s["colleges"]) and all(c["change"] is None for c in s["colleges"])
    assert s["date"] == timezone.localtime(generated).date().isoformat()
    trend = {p["day"]: p for p in s["trend"]}
    first, second, third = (opens + timedelta(days=n) for n in range(3))
    assert trend[first.isoformat()]["new"] == 1  # student_b, 19:30 on the first day
    assert trend[second.isoformat()]["new"] == 1  # student_a, 23:30 UTC = 07:30 next day
    assert trend[third.isoformat()]["new"] == 1 and trend[third.isoformat()]["done"] == 3
    assert s["title"] == f"关于{campaign.cohort}级新生学籍自查进度的第一次通报"
    assert "应核对学生6人，已完成核对3人，完成率50.0%" in s["text"][0]
    assert "外国语学院（未完成1人）" in "".join(s["text"])


def test_second_bulletin_reports_change_in_points_and_names_complete_colleges_first(
    campaign, student_a, student_b, college_a
):
    Campaign.objects.filter(pk=campaign.pk).update(target_rate=Decimal("100"))
    a2 = make_student(college_a)
    make_check(campaign, a2)
    first = _due(campaign, sequence=1)
    bulletin_generate(first)
    _set(student_a, Check.Status.CONFIRMED, timezone.now())
    _set(a2, Check.Status.CONFIRMED, timezone.now())
    second = _due(campaign, sequence=2, title="第2次进度通报")
    bulletin_generate(second)
    s = Bulletin.objects.get(pk=second.pk).snapshot
    assert s["title"].endswith("进度的第二次通报") and s["previous"]["sequence"] == 1
    a, b = s["colleges"]
    assert (a["code"], a["rank"], a["rate"], a["change"], a["below_target"]) == ("A01", 1, 100.0, 100.0, False)
    assert (b["code"], b["rank"], b["change"], b["below_target"]) == ("B02", 2, 0.0, True)
    assert s["complete"] == ["计算机学院"] and s["below"] == [{"name": "外国语学院", "open": 1}]
    assert s["text"][1].startswith("计算机学院已全部完成核对")


def test_a_title_the_registrar_wrote_is_kept(campaign, student_a):
    bulletin = _due(campaign, title="关于加快学籍核对进度的紧急通知")
    bulletin_generate(bulletin)
    assert Bulletin.objects.get(pk=bulletin.pk).snapshot["title"] == "关于加快学籍核对进度的紧急通知"


# --- documents ---------------------------------------------------------------------------


def test_the_documents_open_and_list_students_to_chase_masked(campaign, college_a, student_a, student_b):
    formula = make_student(college_a, name="=HYPERLINK(1)")
    make_check(campaign, formula)
    _set(student_b, Check.Status.BLOCKED, blocked_reason=Check.BlockedReason.ID_BOUND)
    College.objects.filter(pk=college_a.pk).update(name="计算机/软件[学院]")
    bulletin = _due(campaign)
    bulletin_generate(bulletin)
    bulletin.refresh_from_db()

    doc = Document(bulletin.document.path)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert bulletin.snapshot["title"] in text and "各学院：" in text
    assert [c.text for c in doc.tables[1].rows[0].cells][:2] == ["名次", "学院"]
    assert len(doc.tables[1].rows) == 3

    book = load_workbook(bulletin.spreadsheet.path)
    assert book.sheetnames == ["汇总", "计算机_软件_学院_", "外国语学院"]
    sheet = book["计算机_软件_学院_"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:H3"
    assert sheet.column_dimensions["C"].width == 22
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {student_a.student_no, formula.student_no}
    assert all(
        r[2].startswith("*" * 14) and r[2][-4:] in (student_a.id_number[-4:], formula.id_number[-4:]) for r in rows
    )
    assert sheet.cell(row=[r[0] for r in rows].index(formula.student_no) + 2, column=2).data_type == "s"
    assert list(book["外国语学院"].iter_rows(min_row=2, values_only=True))[0][5:7] == (
        "无法登录",
        "证件号码重复或已绑定",
    )
    assert book["汇总"].freeze_panes == "A3"


def test_a_part_holds_the_summary_and_only_the_asked_colleges(campaign, student_a, student_b):
    bulletin = _due(campaign)
    bulletin_generate(bulletin)
    bulletin.refresh_from_db()
    with bulletin.spreadsheet.open("rb") as stored:
        part = load_workbook(io.BytesIO(workbook_part(stored, bulletin.snapshot, {"B02"})))
    assert part.sheetnames == ["汇总", "外国语学院"]
    assert [r[0] for r in part["外国语学院"].iter_rows(min_row=2, values_only=True)] == [student_b.student_no]
    assert student_a.student_no not in str(list(part["汇总"].values))


def test_sheet_names_are_made_safe_and_unique():
    long = "很长的学院名称" * 6
    assert safe_sheet_names(["a/b", "a:b", long, long, "汇总", "'x'"]) == [
        "a_b", "a_b(2)", long[:31], long[:28] + "(2)", "汇总(2)", "x",
    ]  # fmt: skip
    assert [chinese_ordinal(n) for n in (1, 2, 10, 11, 20, 23)] == ["一", "二", "十", "十一", "二十", "二十三"]


# --- mail ----------------------------------------------------------------------------------


def test_each_secretary_is_mailed_once_with_only_their_college(
    campaign, student_a, student_b, secretary_a, secretary_b
):
    secretary_a.email, secretary_b.email = "a@example.edu.cn", "b@example.edu.cn"
    secretary_a.save()
    secretary_b.save()
    bulletin = _due(campaign)
    bulletin_generate(bulletin)
    assert bulletin_mail_secretaries(bulletin.pk) == 2
    assert bulletin_mail_secretaries(bulletin.pk) == 0
    to_a = next(m for m in mail.outbox if m.to == ["a@example.edu.cn"])
    assert "计算机学院：学生1人" in to_a.body and "外国语学院：学生" not in to_a.body
    assert f"/campaigns/fall/bulletins/{bulletin.sequence}/" in to_a.body
    assert student_a.name not in to_a.body and student_a.id_number not in to_a.body


def test_moving_a_scheduled_bulletin_outside_the_window_needs_confirmation(campaign, registrar):
    from selfcheck.services.campaigns import BulletinRow, CampaignError, campaign_update

    inside = timezone.now() + timedelta(hours=2)
    bulletin = bulletin_schedule(campaign, scheduled_at=inside, by=registrar)
    outside = timezone.make_aware(datetime.combine(campaign.closes_on + timedelta(days=1), datetime.min.time()))
    with pytest.raises(CampaignError, match="不在活动期间"):
        campaign_update(campaign, by=registrar, fields={}, bulletins=[BulletinRow(outside, sequence=1)])
    assert Bulletin.objects.get(pk=bulletin.pk).scheduled_at == inside
    campaign_update(
        campaign, by=registrar, fields={}, bulletins=[BulletinRow(outside, sequence=1, confirm_outside=True)]
    )
    assert Bulletin.objects.get(pk=bulletin.pk).scheduled_at == outside
    campaign_update(campaign, by=registrar, fields={}, bulletins=[])  # removed while still scheduled
    assert not Bulletin.objects.filter(pk=bulletin.pk).exists()
