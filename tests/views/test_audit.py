"""The audit page: registrar staff only, filters, actions in words, masked changes, export."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Check
from selfcheck.services.audit import audit_record
from selfcheck.services.checks import check_set_status

TYPED_ID = "11010520070512001X"


@pytest.fixture
def events(registrar, secretary_a, student_a, student_user, campaign):
    check = Check.objects.get(student=student_a)
    check_set_status(
        check, status=Check.Status.DISCREPANCY, by=student_user,
        detail={"fields": {"id_number": TYPED_ID}, "note": "=HYPERLINK(\"http://x\")"},
    )  # fmt: skip
    check_set_status(check, status=Check.Status.CONFIRMED, by=secretary_a, reason="学生电话确认")
    old = audit_record(actor=registrar, action="campaign.update", target=campaign, changes={"name": ["旧", "新"]})
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    return check


@pytest.mark.parametrize(
    "user_fixture, status",
    [("registrar", 200), ("secretary_a", 403), ("student_user", 403), ("admissions", 403)],
)
@pytest.mark.parametrize("url", ["audit_list", "audit_export"])
def test_role_matrix(client, request, user_fixture, status, url):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse(url)).status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("audit_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_registrar_home_links_to_it(client, registrar):
    client.force_login(registrar)
    assert reverse("audit_list") in client.get(reverse("registrar_home")).content.decode()


def test_actions_in_words_and_changes_masked(client, registrar, events, student_a):
    client.force_login(registrar)
    page = client.get(reverse("audit_list")).content.decode()
    assert "设置核对状态" in page and "修改核查活动" in page
    actions = [row["action"] for row in client.get(reverse("audit_list")).context["rows"]]
    assert "check.set_status" not in actions and "设置核对状态" in actions
    assert "张三 2026010001" in page  # a check named by its student
    assert TYPED_ID not in page and student_a.id_number not in page
    assert "**************001X" in page
    assert "未核对 → 信息有误" in page


def test_actions_in_english(client, registrar, events):
    client.force_login(registrar)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("audit_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Set check status" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"actor": "sec-a"}, 1),
        ({"action": "check.set_status"}, 2),
        ({"target_type": "selfcheck.campaign"}, 1),
        ({"target": "2026010001"}, 2),
        ({"since": (timezone.localdate() - timedelta(days=1)).isoformat()}, 2),
        ({"until": (timezone.localdate() - timedelta(days=30)).isoformat()}, 1),
    ],
)
def test_filters(client, registrar, events, query, expected):
    client.force_login(registrar)
    response = client.get(reverse("audit_list"), query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected


def test_a_full_id_is_refused_as_a_filter(client, registrar, events, student_a):
    client.force_login(registrar)
    response = client.get(reverse("audit_list"), {"target": student_a.id_number})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "请勿按证件号码查找" in response.content.decode()


def test_bad_dates_get_a_message_not_an_error(client, registrar, events):
    client.force_login(registrar)
    response = client.get(reverse("audit_list"), {"since": "2026-13-45", "page": "x"})
    assert response.status_code == 200


def test_it_paginates(client, registrar, campaign):
    for n in range(55):
        audit_record(actor=registrar, action="campaign.update", target=campaign, changes={"n": [n, n + 1]})
    client.force_login(registrar)
    first = client.get(reverse("audit_list"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("audit_list"), {"page": 2})
    assert len(second.context["rows"]) == 5


def test_export_is_masked_formula_safe_and_filtered(client, registrar, events, student_a):
    client.force_login(registrar)
    response = client.get(reverse("audit_export"), {"action": "check.set_status"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + two events
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    assert TYPED_ID not in text and student_a.id_number not in text
    assert "设置核对状态" in text
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith("="))
