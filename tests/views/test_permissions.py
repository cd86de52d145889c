"""Who reaches which tracking page: the URL x role matrix, and scoping seen through the pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from selfcheck.models import Campaign, Check


def _check(student) -> Check:
    return Check.objects.get(student=student)


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


STAFF_PAGES = {
    "campaign_dashboard": lambda c, a, b: [c.slug],
    "campaign_checks": lambda c, a, b: [c.slug],
    "campaign_edit": lambda c, a, b: [c.slug],
    "campaign_create": lambda c, a, b: [],
    "college_dashboard": lambda c, a, b: [c.slug, a.college.code],
    "college_export": lambda c, a, b: [c.slug, a.college.code],
    "check_detail": lambda c, a, b: [c.slug, a.pk],
}


EXPECTED = {
    "registrar": {name: 200 for name in STAFF_PAGES},
    "secretary_a": {
        "campaign_dashboard": 403, "campaign_checks": 403, "campaign_edit": 403, "campaign_create": 403,
        "college_dashboard": 200, "college_export": 200, "check_detail": 200,
    },
    "secretary_b": {
        "campaign_dashboard": 403, "campaign_checks": 403, "campaign_edit": 403, "campaign_create": 403,
        "college_dashboard": 404, "college_export": 404, "check_detail": 404,
    },
    "student_user": {name: 403 for name in STAFF_PAGES},
    "admissions": {name: 403 for name in STAFF_PAGES},
}  # fmt: skip


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", list(STAFF_PAGES))
def test_staff_pages_by_role(client, request, who, page, campaign, student_a, student_b):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page, args=STAFF_PAGES[page](campaign, student_a, student_b)))
    assert response.status_code == EXPECTED[who][page]


@pytest.mark.parametrize("page", list(STAFF_PAGES))
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, campaign, student_a, student_b, page):
    response = client.get(reverse(page, args=STAFF_PAGES[page](campaign, student_a, student_b)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["student_confirm", "student_discrepancy", "student_blocked"])
@pytest.mark.parametrize("who", ["registrar", "secretary_a", "admissions"])
def test_student_actions_are_for_students_only(client, request, campaign, student_a, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse(name, args=[campaign.slug])).status_code == 403


def test_a_secretary_does_not_see_draft_campaigns(client, secretary_a, campaign, student_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    client.force_login(secretary_a)
    assert client.get(reverse("college_dashboard", args=[campaign.slug, "A01"])).status_code == 404


def test_college_page_of_a_shows_nothing_of_b(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), {"status": "all"})
    html = response.content.decode()
    assert student_a.name in html and student_a.student_no in html
    assert student_b.name not in html and student_b.student_no not in html
    assert response.context["counts"]["total"] == 1


def test_search_of_a_secretary_never_finds_students_of_b(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    url = reverse("college_dashboard", args=[campaign.slug, "A01"])
    for term in (student_b.name, student_b.student_no, student_b.student_no[:6]):
        page = client.get(url, {"status": "all", "q": term}).context["page"]
        assert student_b.pk not in [check.student_id for check in page.object_list]
    assert (
        client.get(reverse("college_dashboard", args=[campaign.slug, "B02"]), {"q": student_b.name}).status_code == 404
    )


def test_exports_of_a_secretary_hold_only_their_college(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "xlsx"})
    cells = [str(value) for row in _xlsx_rows(response) for value in row]
    assert student_a.student_no in cells
    assert student_b.student_no not in cells and student_b.name not in cells
    csv_response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "csv", "q": "李"})
    assert student_b.name not in _csv_text(csv_response)
    assert client.get(reverse("college_export", args=[campaign.slug, "B02"])).status_code == 404


def test_a_secretary_gets_404_on_b_students_check_and_cannot_post_to_it(
    client, secretary_a, campaign, student_a, student_b
):
    client.force_login(secretary_a)
    url = reverse("check_detail", args=[campaign.slug, student_b.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"status": "confirmed", "reason": "试图越权"})
    assert response.status_code == 404
    assert _check(student_b).status == Check.Status.PENDING


def test_the_secretary_home_counts_only_their_colleges(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("secretary_home"))
    colleges = response.context["colleges"]
    assert [c.code for c in colleges] == ["A01"]
    assert colleges[0].counts["total"] == 1
    assert reverse("college_dashboard", args=[campaign.slug, "A01"]) in response.content.decode()
