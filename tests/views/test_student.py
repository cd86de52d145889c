"""The student's own pages: the record, confirming, reporting wrong fields or a login problem."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import AuditEvent, Campaign, Check


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _check(student) -> Check:
    return Check.objects.get(student=student)


def test_the_student_home_shows_steps_record_and_three_actions(client, student_user, campaign, student_a):
    campaign.instructions = "第一步：登录学信网\n第二步：逐项核对"
    campaign.save()
    client.force_login(student_user)
    html = client.get(reverse("student_home")).content.decode()
    assert "第一步：登录学信网" in html and "第二步：逐项核对" in html
    for label in ("核对无误", "信息有误", "无法登录 / 查不到学籍"):
        assert label in html
    assert student_a.masked_id_number in html and student_a.id_number not in html


def test_a_student_confirms(client, student_user, campaign, student_a):
    client.force_login(student_user)
    response = client.post(reverse("student_confirm", args=[campaign.slug]))
    assert response.status_code == 302 and response.url == reverse("student_home")
    assert "已记录：核对无误" in _messages(response)
    check = _check(student_a)
    assert (check.status, check.source, check.set_by) == ("confirmed", "student", student_user)


def test_a_get_on_the_confirm_url_returns_to_the_home_page_and_confirms_nothing(
    client, student_user, campaign, student_a
):
    client.force_login(student_user)
    response = client.get(reverse("student_confirm", args=[campaign.slug]))
    assert response.status_code == 302 and response.url == reverse("student_home")
    assert _check(student_a).status == "pending"
    assert client.put(reverse("student_confirm", args=[campaign.slug])).status_code == 405


def test_a_student_reports_wrong_fields_with_the_right_values(client, student_user, campaign, student_a):
    """The "信息有误" link opens the correction request form."""
    client.force_login(student_user)
    url = reverse("student_discrepancy", args=[campaign.slug])
    assert "学校登记" in client.get(url).content.decode()
    response = client.post(
        url, {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "wrong_exam_no": "on", "correct_exam_no": "26110101",
              "cause": "school_error", "explanation": "身份证上为回族"},
    )  # fmt: skip
    assert response.status_code == 302
    check = _check(student_a)
    assert check.status == Check.Status.DISCREPANCY
    assert check.detail["fields"] == {"ethnicity": "回族", "exam_no": "26110101"}
    assert check.detail["note"] == "身份证上为回族"
    home = client.get(reverse("student_home")).content.decode()
    assert "民族应为：回族" in home


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"cause": "school_error"}, "请至少勾选一项"),
        ({"cause": "school_error", "wrong_ethnicity": "on"}, "请填写正确的信息"),
        ({"cause": "school_error", "wrong_ethnicity": "on", "correct_ethnicity": "x" * 200}, "128"),
    ],
)
def test_a_discrepancy_without_fields_is_refused_with_a_message(client, student_user, campaign, student_a, data, error):
    client.force_login(student_user)
    response = client.post(reverse("student_discrepancy", args=[campaign.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_reported_id_number_is_masked_when_shown(client, student_user, secretary_a, campaign, student_a):
    from tests.factories import png_bytes, upload

    client.force_login(student_user)
    response = client.post(
        reverse("student_discrepancy", args=[campaign.slug]),
        {"wrong_id_number": "on", "correct_id_number": "110105200705120010", "cause": "school_error",
         "evidence_kind": "id_card", "files": [upload("id.png", png_bytes())]},
    )  # fmt: skip
    assert response.status_code == 302
    assert "110105200705120010" not in client.get(reverse("student_home")).content.decode()
    client.force_login(secretary_a)
    assert (
        "110105200705120010"
        not in client.get(reverse("check_detail", args=[campaign.slug, student_a.pk])).content.decode()
    )


def test_the_login_problem_page_shows_the_registrars_help(client, student_user, campaign, student_a):
    campaign.login_help = "手机号已被注册：请找回用户名\n学籍未关联：请手动绑定"
    campaign.save()
    client.force_login(student_user)
    html = client.get(reverse("student_blocked", args=[campaign.slug])).content.decode()
    assert "手机号已被注册：请找回用户名" in html and "学籍未关联：请手动绑定" in html


@pytest.mark.parametrize(
    ("problem", "status", "reason"),
    [("phone_taken", "blocked", "phone_taken"), ("id_bound", "blocked", "id_bound"),
     ("not_linked", "blocked", "not_linked"), ("missing", "missing", "")],
)  # fmt: skip
def test_a_student_reports_a_login_problem(client, student_user, campaign, student_a, problem, status, reason):
    client.force_login(student_user)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": problem})
    assert response.status_code == 302
    check = _check(student_a)
    assert (check.status, check.blocked_reason) == (status, reason)


def test_other_problem_needs_a_description(client, student_user, campaign, student_a):
    client.force_login(student_user)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "other"})
    assert "请简要说明" in response.content.decode()
    response = client.post(
        reverse("student_blocked", args=[campaign.slug]), {"problem": "other", "note": "验证码收不到"}
    )
    assert _check(student_a).detail == {"note": "验证码收不到"}


def test_a_student_changes_their_answer_while_the_window_is_open(client, student_user, campaign, student_a):
    client.force_login(student_user)
    client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "phone_taken"})
    client.post(reverse("student_confirm", args=[campaign.slug]))
    assert _check(student_a).status == Check.Status.CONFIRMED
    assert AuditEvent.objects.filter(action="check.set_status").count() == 2


def test_outside_the_window_the_student_sees_why_and_whom_to_contact(client, student_user, campaign, student_a):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1)
    )
    client.force_login(student_user)
    home = client.get(reverse("student_home")).content.decode()
    assert "截止" in home and "教学秘书" in home
    assert 'data-testid="action-confirm"' not in home
    response = client.post(reverse("student_confirm", args=[campaign.slug]))
    assert "截止" in _messages(response)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "phone_taken"})
    assert "截止" in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_student_gets_404_for_campaigns_they_are_not_in(client, student_user, campaign, student_a):
    other = Campaign.objects.create(
        slug="other", name="其他", cohort=2025, opens_on=campaign.opens_on, closes_on=campaign.closes_on,
        state=Campaign.State.OPEN,
    )  # fmt: skip
    client.force_login(student_user)
    assert client.post(reverse("student_confirm", args=[other.slug])).status_code == 404
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    assert client.post(reverse("student_confirm", args=[campaign.slug])).status_code == 404
