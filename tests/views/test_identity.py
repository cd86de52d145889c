"""Full ID numbers: a registrar's explicit, audited reveal is the only way to see one; a
corrected ID typed by a student is stored whole and shown masked; import messages mask."""

from __future__ import annotations

import pytest
from django.urls import reverse

from selfcheck.models import AuditEvent, Check, RosterImport
from tests.factories import png_bytes, student, table, upload
from tests.views.test_imports import xlsx_upload

TYPED_ID = "110105200705120010"  # valid for 张三: born 2007-05-12, male


def _reveal_url(campaign, student):
    return reverse("reveal_id_number", args=[campaign.slug, student.pk])


def test_registrar_reveals_by_post_and_it_is_audited(client, registrar, campaign, student_a):
    client.force_login(registrar)
    detail = client.get(reverse("check_detail", args=[campaign.slug, student_a.pk])).content.decode()
    assert student_a.id_number not in detail
    assert _reveal_url(campaign, student_a) in detail
    response = client.post(_reveal_url(campaign, student_a))
    assert response.status_code == 200
    assert student_a.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="student.reveal_id")
    assert event.actor == registrar and event.target_id == str(student_a.pk)
    assert student_a.id_number not in str(event.changes)


def test_reveal_is_post_only(client, registrar, campaign, student_a):
    client.force_login(registrar)
    assert client.get(_reveal_url(campaign, student_a)).status_code == 405
    assert not AuditEvent.objects.filter(action="student.reveal_id").exists()


@pytest.mark.parametrize("user_fixture", ["secretary_a", "student_user", "admissions"])
def test_nobody_else_may_reveal(client, request, campaign, student_a, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.post(_reveal_url(campaign, student_a))
    assert response.status_code == 403
    assert student_a.id_number not in response.content.decode()


def test_secretary_sees_no_reveal_button(client, secretary_a, campaign, student_a):
    client.force_login(secretary_a)
    page = client.get(reverse("check_detail", args=[campaign.slug, student_a.pk])).content.decode()
    assert 'data-testid="reveal-id"' not in page


def _report_id(client, campaign, value):
    return client.post(
        reverse("student_discrepancy", args=[campaign.slug]),
        {
            "wrong_id_number": "on",
            "correct_id_number": value,
            "cause": "school_error",
            "evidence_kind": "id_card",
            "files": [upload("id.png", png_bytes())],
        },
    )


def test_a_corrected_id_is_stored_whole_and_shown_masked(client, student_user, secretary_a, campaign, student_a):
    client.force_login(student_user)
    assert _report_id(client, campaign, TYPED_ID).status_code == 302
    check = Check.objects.get(student=student_a)
    assert check.detail["fields"]["id_number"] == TYPED_ID
    for url in (reverse("student_home"), reverse("student_discrepancy", args=[campaign.slug])):
        page = client.get(url).content.decode()
        assert TYPED_ID not in page, url
        assert "**************0010" in page, url
    # sent back unchanged, the masked value keeps the stored number
    assert _report_id(client, campaign, "**************0010").status_code == 302
    check.refresh_from_db()
    assert check.detail["fields"]["id_number"] == TYPED_ID
    client.force_login(secretary_a)
    page = client.get(reverse("check_detail", args=[campaign.slug, student_a.pk])).content.decode()
    assert TYPED_ID not in page and "**************0010" in page


def test_import_errors_do_not_quote_full_ids(
    client, tmp_path, registrar, campaign, college_a, student_a, django_capture_on_commit_callbacks
):
    twin = student(1)
    clash = student(2, 证件号码=twin["证件号码"])  # the same ID twice in one file
    taken = student(3, 证件号码=student_a.id_number)  # an ID that belongs to someone else
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("import_upload"),
            {"campaign": campaign.pk, "kind": "roster", "file": xlsx_upload(tmp_path, table([twin, clash, taken]))},
        )
    record = RosterImport.objects.get()
    assert record.invalid_count == 3
    stored = str(record.errors)
    page = client.get(reverse("import_detail", args=[record.pk])).content.decode()
    export = client.get(reverse("import_errors", args=[record.pk, "csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    for full in (twin["证件号码"], student_a.id_number):
        assert full not in stored and full not in page and full not in text
    assert twin["证件号码"][-4:] in stored  # still says which number: its last characters


@pytest.mark.parametrize("who", ["registrar", "secretary_a"])
def test_list_search_refuses_a_full_id(client, request, campaign, student_a, who):
    client.force_login(request.getfixturevalue(who))
    url = (
        reverse("campaign_checks", args=[campaign.slug])
        if who == "registrar"
        else reverse("college_dashboard", args=[campaign.slug, student_a.college.code])
    )
    response = client.get(url, {"q": student_a.id_number, "status": "all"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "msg-error" in page and "学号/姓名" in page  # the filter is refused with a message
    assert f'value="{student_a.id_number}"' not in page  # and not kept in the search box
