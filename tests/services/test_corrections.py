"""The correction workflow: the state table, each step's writes and refusals, applying."""

from __future__ import annotations

from datetime import date

import pytest

from selfcheck.models import AuditEvent, Check, CorrectionRequest, Student, StudentChange
from selfcheck.services import correction_filing as filing
from selfcheck.services import corrections as service
from tests.factories import file_correction

S = CorrectionRequest.State


def _check(student):
    return Check.objects.select_related("campaign", "student").get(student=student)


def _walk(correction, registrar, secretary, *steps):
    people = {"secretary": secretary, "registrar": registrar}
    for action, who in steps:
        correction = getattr(service, f"correction_{action}")(correction, by=people[who], text="ok")
    return correction


def test_filing_creates_the_request_marks_the_check_and_notifies_after_commit(
    student_a, django_capture_on_commit_callbacks
):
    told = []
    with django_capture_on_commit_callbacks(execute=True):
        correction = file_correction(_check(student_a), notify=lambda pk, action: told.append((pk, action)))
    assert correction.state == S.SUBMITTED
    assert [(i.field, i.current_value, i.requested_value) for i in correction.items.all()] == [
        ("ethnicity", "汉族", "回族")
    ]
    assert correction.record_snapshot["name"] == "张三"
    assert correction.evidence.count() == 1
    check = _check(student_a)
    assert check.status == Check.Status.DISCREPANCY and check.detail["correction"] == correction.pk
    assert told == [(correction.pk, "file")]
    assert AuditEvent.objects.filter(action="correction.file", target_id=str(correction.pk)).exists()


def test_one_open_request_per_student_and_campaign(student_a):
    file_correction(_check(student_a))
    with pytest.raises(service.CorrectionError, match="已有一个处理中的更正申请"):
        file_correction(_check(student_a), changes={"exam_no": "26110101"})


def test_identity_fields_need_an_id_card_or_household_scan(student_a):
    with pytest.raises(service.CorrectionError, match="身份证或户口簿"):
        file_correction(_check(student_a), changes={"name": "张叁"}, kind="other")
    assert file_correction(_check(student_a), changes={"name": "张叁"}, kind="household").needs_province_approval


def test_an_id_number_inconsistent_with_the_birth_date_is_refused(student_a):
    from selfcheck.demo import resident_id

    other = resident_id("110105", date(2001, 1, 1), 7, "M")
    with pytest.raises(service.CorrectionError, match="出生日期"):
        file_correction(_check(student_a), changes={"id_number": other})


def test_the_full_journey_applies_the_change(student_a, registrar, secretary_a, admissions):
    correction = file_correction(_check(student_a), cause="admission_mismatch", changes={"ethnicity": "回族"})
    correction = service.correction_review(correction, by=secretary_a)
    correction = service.correction_forward(correction, by=registrar)
    assert correction.forwarded_at is not None
    correction = service.correction_answer(correction, by=admissions, answer="confirmed", text="录取库为回族")
    assert (correction.state, correction.admissions_answer) == (S.ANSWERED, "confirmed")
    correction = service.correction_approve(correction, by=registrar)
    correction = service.correction_apply(correction, by=registrar)
    assert correction.state == S.APPLIED and correction.applied_at
    student_a.refresh_from_db()
    assert student_a.ethnicity == "回族"
    change = StudentChange.objects.get(student=student_a)
    assert (change.field, change.old_value, change.new_value, change.correction_id) == (
        "ethnicity",
        "汉族",
        "回族",
        correction.pk,
    )
    check = _check(student_a)
    assert check.status == Check.Status.CONFIRMED and check.detail == {"corrected": True, "correction": correction.pk}
    assert [c.action for c in correction.comments.all()] == ["file", "review", "forward", "answer", "approve", "apply"]


def test_province_fields_go_through_the_province_with_a_reference(student_a, registrar, secretary_a):
    correction = file_correction(_check(student_a), changes={"name": "张叁"})
    correction = _walk(correction, registrar, secretary_a, ("review", "secretary"), ("approve", "registrar"))
    with pytest.raises(service.CorrectionError, match="省级审批"):
        service.correction_apply(correction, by=registrar)
    correction = service.correction_submit_province(correction, by=registrar)
    with pytest.raises(service.CorrectionError, match="审批文号"):
        service.correction_apply(correction, by=registrar)
    correction = service.correction_apply(correction, by=registrar, reference="苏教学〔2026〕12号")
    assert correction.province_reference == "苏教学〔2026〕12号"
    assert Student.objects.get(pk=student_a.pk).name == "张叁"


def test_applying_is_refused_when_the_record_changed_since_filing(student_a, registrar, secretary_a):
    correction = file_correction(_check(student_a), changes={"ethnicity": "回族"})
    correction = _walk(correction, registrar, secretary_a, ("review", "secretary"), ("approve", "registrar"))
    Student.objects.filter(pk=student_a.pk).update(major="人工智能")  # an import in between
    with pytest.raises(service.CorrectionConflict) as caught:
        service.correction_apply(correction, by=registrar)
    assert caught.value.differences == [("major", "软件工程", "人工智能")]
    correction.refresh_from_db()
    assert correction.state == S.APPROVED
    assert Student.objects.get(pk=student_a.pk).ethnicity == "汉族"
    assert not StudentChange.objects.exists()


def test_a_returned_request_is_edited_and_resubmitted(student_a, secretary_a):
    correction = file_correction(_check(student_a))
    with pytest.raises(service.CorrectionError, match="意见"):
        service.correction_return(correction, by=secretary_a, text="")
    correction = service.correction_return(correction, by=secretary_a, text="请上传户口簿")
    correction = filing.correction_update(
        correction, by=student_a.user, cause="household_changed", explanation="已补充",
        changes={"ethnicity": "满族"}, files=[],
    )  # fmt: skip
    assert correction.state == S.SUBMITTED and correction.cause == "household_changed"
    assert [i.requested_value for i in correction.items.all()] == ["满族"]


def test_a_stale_step_is_refused_with_a_message(student_a, secretary_a, registrar):
    correction = file_correction(_check(student_a))
    stale = CorrectionRequest.objects.get(pk=correction.pk)
    service.correction_review(correction, by=secretary_a)
    with pytest.raises(service.CorrectionError):
        service.correction_return(stale, by=registrar, text="x")
    assert CorrectionRequest.objects.get(pk=correction.pk).state == S.COLLEGE_REVIEWED


def test_the_state_table_is_the_only_source_of_allowed_steps(
    student_a, secretary_a, secretary_b, registrar, admissions
):
    correction = file_correction(_check(student_a))
    assert service.allowed_actions(correction, student_a.user) == ["update", "withdraw"]
    assert service.allowed_actions(correction, secretary_a) == ["return", "review"]
    assert service.allowed_actions(correction, admissions) == []
    with pytest.raises(service.CorrectionForbidden):
        service.correction_review(correction, by=secretary_b)
    with pytest.raises(service.CorrectionForbidden):
        service.correction_approve(correction, by=secretary_a)


def test_a_roster_import_leaves_each_changed_field_in_the_history(tmp_path, campaign, college_a, student_a, registrar):
    from django.core.management import call_command

    from selfcheck.presenters_corrections import change_rows
    from selfcheck.selectors.corrections import student_changes

    path = tmp_path / "roster.csv"
    path.write_text(
        "学号,姓名,性别,出生日期,证件号码,学院,专业,层次,学制,入学日期\n"
        f"{student_a.student_no},张三,男,2007-05-12,{student_a.id_number},计算机学院,人工智能,本科,4,2026-09-01\n",
        encoding="utf-8",
    )
    call_command("import_roster", str(path), "--campaign", campaign.slug, "--json", stdout=__import__("io").StringIO())
    rows = change_rows(student_changes(student_a))
    assert [(r["label"], r["old"], r["new"]) for r in rows] == [("专业", "软件工程", "人工智能")]
    assert rows[0]["source"] == "名册导入：roster.csv"
