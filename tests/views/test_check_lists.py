"""Check lists and exports, and staff setting a status on a student's behalf."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Campaign, Check
from tests.factories import grow_school, make_check, make_student


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _check(student) -> Check:
    return Check.objects.get(student=student)


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_pending_export_masks_id_numbers_and_keeps_the_phone(client, secretary_a, campaign, college_a_students):
    client.force_login(secretary_a)
    response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:7] == ["学号", "姓名", "学院", "专业", "班级", "证件号码", "联系电话"]
    assert sorted(row[1] for row in body) == sorted(["张三", "钱二", "孙三"])
    for row, student in ((r, next(s for s in college_a_students if s.name == r[1])) for r in body):
        assert row[5] == "*" * 14 + student.id_number[-4:]
        assert student.id_number not in [str(v) for v in row]
        assert row[6] == student.phone


def test_csv_export_has_a_bom_and_cells_that_cannot_become_formulas(client, registrar, campaign, college_a, student_a):
    hostile = make_student(college_a, name='=HYPERLINK("http://x")', class_name="+cmd|' /C calc'!A0")
    make_check(campaign, hostile, status=Check.Status.BLOCKED, blocked_reason="other",
                         detail={"note": "@SUM(A1:A9)"})  # fmt: skip
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "checks"]), {"format": "csv"})
    text = _csv_text(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    row = next(r for r in rows if r[0] == hostile.student_no)
    assert row[1].startswith("'=") and row[4].startswith("'+")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    xlsx = client.get(reverse("campaign_export", args=[campaign.slug, "problems"]), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for r in workbook.active.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)


@pytest.mark.parametrize("kind", ["colleges", "checks", "problems"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_registrar_exports_every_list(client, registrar, campaign, student_a, student_b, kind, fmt):
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, kind]), {"format": fmt})
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]


def test_a_bad_export_format_or_kind_gets_a_message(client, registrar, campaign, student_a):
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "checks"]), {"format": "pdf"})
    assert response.status_code == 302 and "导出格式无效" in _messages(response)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "nothing"]))
    assert response.status_code == 302 and "没有这种导出" in _messages(response)


def test_the_campaign_wide_list_filters_by_college(client, registrar, campaign, student_a, student_b):
    client.force_login(registrar)
    response = client.get(reverse("campaign_checks", args=[campaign.slug]), {"college": "B02", "status": "all"})
    assert [c.student for c in response.context["page"].object_list] == [student_b]


def test_a_secretary_sets_a_status_on_behalf_and_it_is_audited(client, secretary_a, campaign, student_a):
    client.force_login(secretary_a)
    url = reverse("check_detail", args=[campaign.slug, student_a.pk])
    response = client.post(url, {"status": "confirmed", "reason": "学生电话告知已核对无误"})
    assert response.status_code == 302 and response.url == url
    check = _check(student_a)
    assert (check.status, check.source, check.set_by) == ("confirmed", "secretary", secretary_a)
    event = AuditEvent.objects.get(action="check.set_status")
    assert event.actor == secretary_a and event.changes["reason"][1] == "学生电话告知已核对无误"
    page = client.get(url).content.decode()
    assert "学生电话告知已核对无误" in page and "核对无误" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"status": "confirmed", "reason": ""}, "请填写代为设置的原因"),
        ({"status": "blocked", "reason": "x"}, "请选择无法登录的原因"),
        ({"status": "nonsense", "reason": "x"}, "无效的核对状态"),
    ],
)
def test_on_behalf_form_errors_are_shown(client, secretary_a, campaign, student_a, data, error):
    client.force_login(secretary_a)
    response = client.post(reverse("check_detail", args=[campaign.slug, student_a.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_closed_campaign_refuses_the_secretary_with_a_message(client, secretary_a, campaign, student_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.CLOSED)
    client.force_login(secretary_a)
    response = client.post(
        reverse("check_detail", args=[campaign.slug, student_a.pk]), {"status": "confirmed", "reason": "补"}
    )
    assert response.status_code == 200
    assert "联系学籍科" in response.content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_use_a_fixed_number_of_queries(
    client, secretary_a, campaign, college_a, college_b, student_a, fmt, django_assert_max_num_queries
):
    client.force_login(secretary_a)
    grow_school(campaign, college_a, college_b, 60)
    url = reverse("college_export", args=[campaign.slug, "A01"])
    with django_assert_max_num_queries(6):
        response = client.get(url, {"format": fmt, "status": "all"})
        body = response.content if fmt == "xlsx" else b"".join(response.streaming_content)
    assert body


def test_a_search_finds_a_confirmed_student_without_choosing_a_status(client, registrar, campaign, student_a):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED)
    client.force_login(registrar)
    page = client.get(reverse("campaign_checks", args=[campaign.slug]), {"q": student_a.student_no}).context["page"]
    assert [c.student_id for c in page.object_list] == [student_a.pk]
    # Without a search the default list still holds only the students to chase.
    assert not client.get(reverse("campaign_checks", args=[campaign.slug])).context["page"].object_list


def test_an_empty_search_says_the_status_filter_hides_matches(client, secretary_a, campaign, student_a):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED)
    client.force_login(secretary_a)
    url = reverse("college_dashboard", args=[campaign.slug, "A01"])
    response = client.get(url, {"q": student_a.name, "status": "pending"})
    assert response.context["hidden"] == 1
    assert 'data-testid="hidden-by-status"' in response.content.decode()
    assert client.get(url, {"q": "没有这个人", "status": "pending"}).context["hidden"] == 0
