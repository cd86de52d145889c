"""Bulletin pages and downloads: who sees which part."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from selfcheck.models import Bulletin, Campaign
from selfcheck.services.bulletins import bulletin_generate


@pytest.fixture
def published(campaign, student_a, student_b) -> Bulletin:
    bulletin = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
    assert bulletin_generate(bulletin) == "published"
    bulletin.refresh_from_db()
    return bulletin


def _url(name, bulletin, *extra):
    return reverse(name, args=[bulletin.campaign.slug, bulletin.sequence, *extra])


def _sheets(response) -> dict[str, list]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return {name: [row[0] for row in book[name].iter_rows(min_row=2, values_only=True)] for name in book.sheetnames}


@pytest.mark.parametrize(
    ("who", "page", "docx", "xlsx"),
    [
        ("registrar", 200, 200, 200),
        ("secretary_a", 200, 200, 200),
        ("admissions", 403, 403, 403),
        ("student_user", 403, 403, 403),
        ("outsider", 403, 403, 403),
    ],
)
def test_who_reaches_a_published_bulletin(client, request, published, who, page, docx, xlsx):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url("bulletin_detail", published)).status_code == page
    assert client.get(_url("bulletin_docx", published)).status_code == docx
    assert client.get(_url("bulletin_xlsx", published)).status_code == xlsx


def test_anonymous_visitors_are_sent_to_sign_in(client, published):
    response = client.get(_url("bulletin_xlsx", published))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_registrar_downloads_every_college(client, registrar, published, student_a, student_b):
    client.force_login(registrar)
    sheets = _sheets(client.get(_url("bulletin_xlsx", published)))
    assert sheets["计算机学院"] == [student_a.student_no] and sheets["外国语学院"] == [student_b.student_no]
    one = _sheets(client.get(_url("bulletin_college_xlsx", published, "B02")))
    assert list(one) == ["汇总", "外国语学院"]


def test_a_secretary_never_receives_another_colleges_students(client, secretary_a, published, student_a, student_b):
    client.force_login(secretary_a)
    sheets = _sheets(client.get(_url("bulletin_xlsx", published)))
    assert list(sheets) == ["汇总", "计算机学院"]
    assert student_b.student_no not in str(sheets)
    assert client.get(_url("bulletin_college_xlsx", published, "B02")).status_code == 404
    assert list(_sheets(client.get(_url("bulletin_college_xlsx", published, "A01")))) == ["汇总", "计算机学院"]


def test_the_page_shows_the_frozen_bulletin_and_the_word_file_opens(client, secretary_a, published):
    client.force_login(secretary_a)
    html = client.get(_url("bulletin_detail", published)).content.decode()
    assert published.snapshot["title"] in html and "<svg" in html and 'data-college="B02"' in html
    response = client.get(_url("bulletin_docx", published))
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert doc.paragraphs[0].text == published.snapshot["title"]
    assert "attachment" in response["Content-Disposition"]
    svg = client.get(_url("bulletin_chart", published))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_a_secretary_does_not_see_a_bulletin_before_it_is_out(client, secretary_a, campaign):
    scheduled = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now() + timedelta(days=1))
    client.force_login(secretary_a)
    assert client.get(_url("bulletin_detail", scheduled)).status_code == 404
    assert client.get(_url("bulletin_docx", scheduled)).status_code == 404


def test_the_registrar_sees_a_scheduled_bulletin_waiting(client, registrar, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    scheduled = Bulletin.objects.create(campaign=campaign, sequence=1, scheduled_at=timezone.now())
    client.force_login(registrar)
    html = client.get(_url("bulletin_detail", scheduled)).content.decode()
    assert "活动尚未开放" in html
    assert client.get(_url("bulletin_xlsx", scheduled)).status_code == 404


def test_the_registrar_produces_a_bulletin_now(
    client, registrar, campaign, student_a, secretary_a, mailoutbox, django_capture_on_commit_callbacks
):
    secretary_a.email = "a@example.edu.cn"
    secretary_a.save()
    client.force_login(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bulletin_publish_now", args=[campaign.slug]))
    bulletin = Bulletin.objects.get(campaign=campaign)
    assert response.status_code == 302 and response["Location"] == _url("bulletin_detail", bulletin)
    assert bulletin.state == Bulletin.State.PUBLISHED and bulletin.document and bulletin.spreadsheet
    assert [m.to for m in mailoutbox] == [["a@example.edu.cn"]]


def test_publish_now_on_a_draft_campaign_is_refused_with_a_message(client, registrar, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    client.force_login(registrar)
    response = client.post(reverse("bulletin_publish_now", args=[campaign.slug]), follow=True)
    assert "只有进行中的活动可以发布进度通报" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_secretary_cannot_publish(client, secretary_a, campaign):
    client.force_login(secretary_a)
    assert client.post(reverse("bulletin_publish_now", args=[campaign.slug])).status_code == 403


def test_home_pages_list_bulletins(client, registrar, secretary_a, published, campaign):
    Bulletin.objects.create(campaign=campaign, sequence=2, scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(registrar)
    html = client.get(reverse("registrar_home")).content.decode()
    assert _url("bulletin_detail", published) in html and "/bulletins/2/" in html
    client.force_login(secretary_a)
    html = client.get(reverse("secretary_home")).content.decode()
    assert _url("bulletin_detail", published) in html and "/bulletins/2/" not in html


def test_a_time_outside_the_window_needs_the_box_ticked(client, registrar, campaign):
    client.force_login(registrar)
    outside = (campaign.closes_on + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    form = {
        "slug": campaign.slug, "name": campaign.name, "kind": campaign.kind, "cohort": campaign.cohort,
        "levels": ["bk"], "opens_on": campaign.opens_on, "closes_on": campaign.closes_on, "target_rate": "95",
        "instructions": "x", "login_help": "y",
        "bulletins-TOTAL_FORMS": "1", "bulletins-INITIAL_FORMS": "0", "bulletins-MIN_NUM_FORMS": "0",
        "bulletins-MAX_NUM_FORMS": "10", "bulletins-0-scheduled_at": outside,
    }  # fmt: skip
    response = client.post(reverse("campaign_edit", args=[campaign.slug]), form)
    assert response.status_code == 200 and "不在活动期间" in response.content.decode()
    assert not Bulletin.objects.exists()
    response = client.post(
        reverse("campaign_edit", args=[campaign.slug]), {**form, "bulletins-0-confirm_outside": "on"}
    )
    assert response.status_code == 302
    assert Bulletin.objects.get(campaign=campaign).state == Bulletin.State.SCHEDULED


def test_the_admin_links_to_the_bulletin_page_instead_of_an_unserved_file(client, registrar, published):
    client.force_login(registrar)
    html = client.get(reverse("admin:selfcheck_bulletin_change", args=[published.pk])).content.decode()
    assert _url("bulletin_detail", published) in html and "/media/" not in html


def test_a_bulletin_from_before_the_documents_shows_a_note_and_offers_no_files(client, registrar, campaign):
    old = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now(), state=Bulletin.State.PUBLISHED,
        generated_at=timezone.now(), snapshot={"colleges": [{"code": "A01", "name": "计算机学院", "rate": 50.0}],
                                               "total": 2, "done": 1, "rate": 50.0},
    )  # fmt: skip
    client.force_login(registrar)
    response = client.get(_url("bulletin_detail", old))
    assert response.status_code == 200 and "早期版本" in response.content.decode()
    assert client.get(_url("bulletin_xlsx", old)).status_code == 404
    assert client.get(_url("bulletin_docx", old)).status_code == 404


def test_the_bulletin_page_speaks_english_around_the_notice(client, secretary_a, published):
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(secretary_a)
    try:
        html = client.get(_url("bulletin_detail", published)).content.decode()
    finally:
        translation.activate("zh-hans")
    assert "Download Word bulletin" in html and "Download Excel (my colleges' lists)" in html
    assert "Overall" in html and "下载 Word 通报" not in html
    assert published.snapshot["title"] in html  # the notice itself is the office's Chinese text
