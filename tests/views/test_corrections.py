"""Correction pages: every step x every role, scoping (404), roles (403), evidence downloads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Check, CorrectionRequest, Role
from selfcheck.services.corrections import STEPS
from tests.factories import file_correction, png_bytes, upload

S = CorrectionRequest.State
STAFF_STEPS = [a for a in STEPS if a not in ("file", "update")]
PEOPLE = ["owner", "other_student", "secretary_a", "secretary_b", "registrar", "admissions"]
ROLE_OF = {"owner": Role.STUDENT, "secretary_a": Role.SECRETARY, "registrar": Role.REGISTRAR,
           "admissions": Role.ADMISSIONS}  # fmt: skip
DATA = {"text": "ok", "answer": "confirmed", "reference": "省教学籍〔2026〕1号"}


@pytest.fixture
def people(student_a, student_b, secretary_a, secretary_b, registrar, admissions):
    return {"owner": student_a.user, "other_student": student_b.user, "secretary_a": secretary_a,
            "secretary_b": secretary_b, "registrar": registrar, "admissions": admissions}  # fmt: skip


def _request_in(state, student, *, province=False, forwarded=True):
    correction = file_correction(Check.objects.select_related("campaign", "student").get(student=student))
    CorrectionRequest.objects.filter(pk=correction.pk).update(
        state=state, needs_province_approval=province, forwarded_at=timezone.now() if forwarded else None
    )
    return CorrectionRequest.objects.get(pk=correction.pk)


def _expected(action, who):
    if who in ("other_student", "secretary_b"):
        return 404
    return 302 if ROLE_OF[who] in STEPS[action].roles else 403


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", STAFF_STEPS)
def test_every_step_for_every_role(client, people, student_a, action, who):
    correction = _request_in(STEPS[action].sources[0], student_a, province=action == "submit_province")
    client.force_login(people[who])
    response = client.post(reverse("correction_step", args=[correction.pk, action]), DATA)
    expected = _expected(action, who)
    assert response.status_code == expected
    correction.refresh_from_db()
    if expected == 302:
        assert correction.state == STEPS[action].target
        assert AuditEvent.objects.filter(action=f"correction.{action}", target_id=str(correction.pk)).exists()
    else:
        assert correction.state == STEPS[action].sources[0]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_reaches_a_request_page(client, people, student_a, who):
    correction = _request_in(S.SUBMITTED, student_a, forwarded=False)
    client.force_login(people[who])
    status = client.get(reverse("correction_detail", args=[correction.pk])).status_code
    assert status == (404 if who in ("other_student", "secretary_b", "admissions") else 200)


def test_admissions_sees_only_what_was_forwarded_in_lists_counts_and_pages(client, admissions, student_a, student_b):
    kept = _request_in(S.COLLEGE_REVIEWED, student_a, forwarded=False)
    sent = _request_in(S.FORWARDED, student_b)
    client.force_login(admissions)
    html = client.get(reverse("correction_queue")).content.decode()
    assert f"#{sent.pk} " in html and f"#{kept.pk} " not in html
    home = client.get(reverse("admissions_home"))
    assert [row["count"] for row in home.context["correction_counts"] if row["state"] == "college_reviewed"] == [0]
    assert client.get(reverse("correction_detail", args=[kept.pk])).status_code == 404


def test_a_secretary_queue_holds_only_their_colleges(client, secretary_a, student_a, student_b):
    mine = _request_in(S.SUBMITTED, student_a)
    theirs = _request_in(S.SUBMITTED, student_b)
    client.force_login(secretary_a)
    html = client.get(reverse("correction_queue")).content.decode()
    assert f"#{mine.pk} " in html and f"#{theirs.pk} " not in html


def test_the_queue_counts_requests_not_people(client, secretary_a, student_a):
    _request_in(S.SUBMITTED, student_a)
    client.force_login(secretary_a)
    html = client.get(reverse("correction_queue")).content.decode()
    assert "共 1 件申请" in html and "共 1 人" not in html


def test_a_student_cannot_reach_another_students_request_or_evidence(client, student_a, student_b):
    theirs = _request_in(S.SUBMITTED, student_b)
    evidence = theirs.evidence.get()
    client.force_login(student_a.user)
    assert client.get(reverse("correction_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("evidence_download", args=[theirs.pk, evidence.pk])).status_code == 404
    mine = _request_in(S.SUBMITTED, student_a)
    # Their evidence under my request's address is still not mine.
    assert client.get(reverse("evidence_download", args=[mine.pk, evidence.pk])).status_code == 404


def test_evidence_is_served_as_an_attachment_that_is_never_sniffed(client, student_a, secretary_b, registrar):
    correction = _request_in(S.SUBMITTED, student_a)
    evidence = correction.evidence.get()
    url = reverse("evidence_download", args=[correction.pk, evidence.pk])
    client.force_login(registrar)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404


def test_extra_post_fields_are_ignored(client, student_a, student_b, campaign):
    client.force_login(student_a.user)
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "cause": "school_error", "state": "applied",
         "student": student_b.pk, "reviewer": 1, "created_by": student_b.user.pk, "forwarded_at": "2020-01-01"},
    )  # fmt: skip
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert (correction.state, correction.student_id, correction.created_by_id) == (
        S.SUBMITTED,
        student_a.pk,
        student_a.user.pk,
    )
    assert correction.forwarded_at is None
    client.post(reverse("correction_step", args=[correction.pk, "withdraw"]), {"state": "applied", "text": "x"})
    correction.refresh_from_db()
    assert correction.state == S.WITHDRAWN


def test_a_value_typed_without_its_box_is_an_error_next_to_it(client, student_a, campaign):
    client.force_login(student_a.user)
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "correct_major": "人工智能", "cause": "school_error"},
    )
    assert response.status_code == 200
    assert "没有勾选“专业”有误" in response.context["form"].errors["correct_major"][0]
    assert not CorrectionRequest.objects.exists()


def test_values_are_validated_like_the_import(client, student_a, campaign):
    client.force_login(student_a.user)
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_birth_date": "on", "correct_birth_date": "2007-02-30", "wrong_level": "on", "correct_level": "xx",
         "wrong_major": "on", "correct_major": "魔法学", "cause": "school_error"},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert "不存在" in errors["correct_birth_date"][0]
    assert "专业" in errors["correct_major"][0]
    assert "correct_level" in errors


def test_a_returned_request_can_be_edited_by_the_student_and_goes_back_to_the_college(
    client, student_a, secretary_a, campaign
):
    correction = _request_in(S.RETURNED, student_a)
    client.force_login(student_a.user)
    form = client.get(reverse("student_correction", args=[campaign.slug]))
    assert form.context["correction"] == correction
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_ethnicity": "on", "correct_ethnicity": "满族", "cause": "household_changed",
         "evidence_kind": "household", "files": [upload("hukou.png", png_bytes())]},
    )  # fmt: skip
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.state == S.SUBMITTED and correction.evidence.count() == 2


def test_an_open_request_under_review_is_shown_not_edited(client, student_a, campaign):
    correction = _request_in(S.COLLEGE_REVIEWED, student_a)
    client.force_login(student_a.user)
    response = client.get(reverse("student_correction", args=[campaign.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("correction_detail", args=[correction.pk])


def test_applying_a_changed_record_shows_the_difference(client, registrar, student_a):
    correction = _request_in(S.APPROVED, student_a)
    type(student_a).objects.filter(pk=student_a.pk).update(major="人工智能")
    client.force_login(registrar)
    page = client.get(reverse("correction_detail", args=[correction.pk])).content.decode()
    assert "软件工程 → 人工智能" in page
    response = client.post(reverse("correction_step", args=[correction.pk, "apply"]), follow=True)
    assert "提交时为“软件工程”，现在为“人工智能”" in response.content.decode()
    correction.refresh_from_db()
    assert correction.state == S.APPROVED


def test_bulk_forward_and_approve(client, registrar, student_a, student_b):
    one = _request_in(S.COLLEGE_REVIEWED, student_a, forwarded=False)
    two = _request_in(S.SUBMITTED, student_b, forwarded=False)
    client.force_login(registrar)
    client.post(reverse("correction_bulk"), {"action": "approve", "ids": [one.pk, two.pk]})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.state, two.state) == (S.APPROVED, S.SUBMITTED)


def test_the_registrar_exports_the_chsi_list_with_full_id_numbers(client, registrar, secretary_a, student_a, campaign):
    _request_in(S.APPROVED, student_a)
    client.force_login(secretary_a)
    assert client.get(reverse("correction_export")).status_code == 403
    client.force_login(registrar)
    response = client.get(reverse("correction_export"), {"campaign": campaign.slug, "state": ""})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("学号", "姓名", "证件号码", "变更字段", "原值", "新值", "变更原因", "审批文号")
    assert rows[1][:6] == (student_a.student_no, "张三", student_a.id_number, "民族 MZ", "汉族", "回族")
    assert AuditEvent.objects.filter(action="corrections.export", actor=registrar).exists()


def test_queues_count_open_requests_on_each_home_page(client, registrar, secretary_a, student_a):
    _request_in(S.SUBMITTED, student_a)
    for user, name in ((registrar, "registrar_home"), (secretary_a, "secretary_home")):
        client.force_login(user)
        counts = {row["state"]: row["count"] for row in client.get(reverse(name)).context["correction_counts"]}
        assert counts["submitted"] == 1 and counts["approved"] == 0


def test_the_correction_pages_speak_english(client, student_a, registrar, campaign):
    import re

    from django.conf import settings

    correction = _request_in(S.COLLEGE_REVIEWED, student_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(student_a.user)
    CorrectionRequest.objects.filter(pk=correction.pk).update(state=S.RETURNED)
    form = client.get(reverse("student_correction", args=[campaign.slug])).content.decode()
    assert "Request a correction of my record" in form and "Which items are wrong" in form
    client.force_login(registrar)
    CorrectionRequest.objects.filter(pk=correction.pk).update(state=S.COLLEGE_REVIEWED)
    detail = client.get(reverse("correction_detail", args=[correction.pk])).content.decode()
    assert "Ask admissions to confirm" in detail and "Changes requested" in detail
    queue = client.get(reverse("correction_queue")).content.decode()
    # Only data (names, colleges, values) may stay in Chinese: no Chinese in the page's own words.
    words = re.sub(r"<[^>]+>", " ", queue.split("</header>")[-1])
    for data in ("张三", "计算机学院", "汉族", "回族", "软件工程", "民族", "学校录入错误"):
        words = words.replace(data, "")
    assert "Open correction requests" in queue and not re.search(r"[\u4e00-\u9fff]", words)


@pytest.mark.parametrize("who", ["secretary_a", "registrar", "admissions"])
def test_staff_cannot_file_a_request(client, people, campaign, who):
    client.force_login(people[who])
    assert client.get(reverse("student_correction", args=[campaign.slug])).status_code == 403


def test_the_queue_uses_a_fixed_number_of_queries(client, registrar, college_a, campaign, django_assert_num_queries):
    from tests.factories import make_check, make_student

    def add(n):
        for _ in range(n):
            student = make_student(college_a)
            student.user = type(registrar).objects.create_user(student.student_no, password="x", role=Role.STUDENT)
            student.save(update_fields=["user"])
            make_check(campaign, student)
            _request_in(S.SUBMITTED, student)

    add(1)
    client.force_login(registrar)
    with django_assert_num_queries(7) as one:
        client.get(reverse("correction_queue"))
    add(4)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("correction_queue"))


def test_the_admin_shows_a_request_with_evidence_without_exposing_the_file(client, registrar, student_a):
    correction = _request_in(S.SUBMITTED, student_a)
    evidence = correction.evidence.get()
    client.force_login(registrar)
    html = client.get(f"/admin/selfcheck/correctionrequest/{correction.pk}/change/").content.decode()
    assert reverse("evidence_download", args=[correction.pk, evidence.pk]) in html
    assert evidence.file.name not in html
    assert student_a.id_number not in html  # the record snapshot is not shown


def test_purged_evidence_is_named_but_no_longer_served(client, registrar, student_a):
    correction = _request_in(S.REJECTED, student_a)
    evidence = correction.evidence.get()
    evidence.file.delete(save=False)
    evidence.file_purged_at = timezone.now()
    evidence.save()
    client.force_login(registrar)
    assert client.get(reverse("evidence_download", args=[correction.pk, evidence.pk])).status_code == 404
    assert "文件已按保留期限删除" in client.get(reverse("correction_detail", args=[correction.pk])).content.decode()
