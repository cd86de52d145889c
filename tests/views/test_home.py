"""The first page of each role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import CorrectionRequest

HOME_PAGES = ["registrar_home", "secretary_home", "student_home", "admissions_home"]


ALLOWED = {
    "registrar": "registrar_home",
    "secretary_a": "secretary_home",
    "student_user": "student_home",
    "admissions": "admissions_home",
}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("page", HOME_PAGES)
def test_home_pages_by_role(client, request, who, page, student_a):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse(page))
    expected = 200 if ALLOWED[who] == page else 403
    assert response.status_code == expected


@pytest.mark.parametrize("page", HOME_PAGES)
def test_home_pages_send_anonymous_visitors_to_sign_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_student_home_shows_the_record_with_the_id_masked(client, student_user, student_a):
    client.force_login(student_user)
    html = client.get(reverse("student_home")).content.decode()
    assert student_a.name in html
    assert student_a.id_number not in html
    assert student_a.masked_id_number in html


def test_secretary_home_lists_only_their_colleges(client, secretary_a, student_a, student_b):
    client.force_login(secretary_a)
    html = client.get(reverse("secretary_home")).content.decode()
    assert student_a.college.name in html
    assert student_b.college.name not in html


def test_admissions_home_lists_only_forwarded_requests(client, admissions, student_a, student_b):
    State, Cause = CorrectionRequest.State, CorrectionRequest.Cause
    CorrectionRequest.objects.create(
        student=student_b, cause=Cause.ADMISSION_MISMATCH, state=State.FORWARDED, forwarded_at=timezone.now()
    )
    CorrectionRequest.objects.create(student=student_a, cause=Cause.ADMISSION_MISMATCH, state=State.APPROVED)
    client.force_login(admissions)
    html = client.get(reverse("admissions_home")).content.decode()
    assert student_b.name in html
    assert student_a.name not in html


def test_student_home_has_one_card_per_open_campaign_and_the_contacts(client, student_user, campaign, student_a):
    from datetime import timedelta

    from selfcheck.models import Campaign, User
    from tests.factories import make_check

    secretary = User.objects.create_user(
        "sec-x", password="x", role="secretary", first_name="王老师", phone="0571-1234", office="教学楼 101"
    )
    secretary.colleges.add(student_a.college)
    campaign.office_contact = "学籍科 行政楼 203 室"
    campaign.save()
    old = Campaign.objects.create(
        slug="old", name="去年的核查", cohort=campaign.cohort, state="closed",
        opens_on=campaign.opens_on - timedelta(days=300), closes_on=campaign.opens_on - timedelta(days=280),
    )  # fmt: skip
    make_check(old, student_a, status="confirmed")
    client.force_login(student_user)
    response = client.get(reverse("student_home"))
    html = response.content.decode()
    assert [c.campaign.slug for c in response.context["checks"]] == [campaign.slug]
    assert [c.campaign.slug for c in response.context["finished"]] == ["old"]
    assert html.count('data-testid="action-confirm"') == 1
    assert "王老师" in html and 'href="tel:0571-1234"' in html and "教学楼 101" in html and "行政楼 203 室" in html
    assert 'href="https://my.chsi.com.cn/' in html
    # The answers come before the record.
    assert html.index('data-testid="action-confirm"') < html.index('data-testid="record"')


def test_secretary_home_defaults_to_the_open_campaign_not_a_newer_draft(client, registrar, secretary_a, campaign):
    from datetime import timedelta

    from selfcheck.models import Campaign

    Campaign.objects.create(
        slug="next", name="下一次", cohort=campaign.cohort + 1, state="closed",
        opens_on=campaign.opens_on + timedelta(days=1), closes_on=campaign.closes_on + timedelta(days=1),
    )  # fmt: skip
    client.force_login(secretary_a)
    assert client.get(reverse("secretary_home")).context["campaign"] == campaign
    client.force_login(registrar)
    Campaign.objects.create(
        slug="draft", name="草稿", cohort=campaign.cohort + 1,
        opens_on=campaign.opens_on + timedelta(days=2), closes_on=campaign.closes_on + timedelta(days=2),
    )  # fmt: skip
    form = client.get(reverse("import_list")).context["form"]
    assert form["campaign"].value() == campaign.pk
