"""Campaign pages of the registrar: create, edit with the bulletin schedule, open, close."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import Bulletin, Campaign, Check
from tests.factories import make_student


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _form(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "slug": "spring-grad",
        "name": "2023级毕业前学籍核查",
        "kind": "pregrad",
        "cohort": "2023",
        "levels": ["bk"],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "target_rate": "100",
        "instructions": "核对学籍信息",
        "login_help": "手机号已被注册：找回用户名",
        "bulletins-TOTAL_FORMS": "2",
        "bulletins-INITIAL_FORMS": "0",
        "bulletins-MIN_NUM_FORMS": "0",
        "bulletins-MAX_NUM_FORMS": "10",
        "bulletins-0-title": "第一次进度通报",
        "bulletins-0-scheduled_at": f"{today + timedelta(days=7)}T17:00",
        "bulletins-1-title": "",
        "bulletins-1-scheduled_at": "",
    }
    data.update(overrides)
    return data


def test_the_registrar_creates_a_campaign_with_bulletins(client, registrar):
    client.force_login(registrar)
    assert "新建核查活动" in client.get(reverse("campaign_create")).content.decode()
    response = client.post(reverse("campaign_create"), _form())
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="spring-grad")
    assert response.url == reverse("campaign_dashboard", args=["spring-grad"])
    assert (campaign.kind, campaign.cohort, campaign.levels, campaign.state) == ("pregrad", 2023, ["bk"], "draft")
    assert list(campaign.bulletins.values_list("sequence", "title")) == [(1, "第一次进度通报")]
    assert "已创建" in _messages(response)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"closes_on": "2000-01-01"}, "截止日期不能早于开始日期"),
        ({"levels": []}, "请至少选择一个层次"),
        ({"levels": ["phd"]}, "层次无效"),
        ({"slug": "new"}, "系统保留"),
        ({"slug": "带中文"}, "标识只能包含"),
        ({"cohort": "1990"}, "2000"),
        ({"target_rate": "150"}, "100"),
        ({"bulletins-0-scheduled_at": "明天下午"}, "时间格式"),
        ({"bulletins-0-scheduled_at": "2000-01-01T10:00"}, "已过"),
    ],
)
def test_bad_campaign_input_is_explained(client, registrar, overrides, error):
    client.force_login(registrar)
    response = client.post(reverse("campaign_create"), _form(**overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_taken_slug_is_explained(client, registrar, campaign):
    client.force_login(registrar)
    response = client.post(reverse("campaign_create"), _form(slug=campaign.slug))
    assert "已被其他活动使用" in response.content.decode()


def test_the_edit_page_shows_published_bulletins_read_only_and_keeps_them(client, registrar, campaign):
    tz = timezone.get_current_timezone()
    published = Bulletin.objects.create(
        campaign=campaign, sequence=1, title="第一次", scheduled_at=timezone.now() - timedelta(days=1),
        state=Bulletin.State.PUBLISHED,
    )  # fmt: skip
    upcoming = Bulletin.objects.create(
        campaign=campaign, sequence=2, title="第二次", scheduled_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(registrar)
    page = client.get(reverse("campaign_edit", args=[campaign.slug]))
    assert page.context["frozen"] == [published]
    assert len(page.context["formset"].initial) == 1
    new_time = (timezone.now() + timedelta(days=4)).astimezone(tz).replace(second=0, microsecond=0)
    data = _form(
        slug="ignored", name="改过的名字", cohort=str(campaign.cohort),
        **{
            "bulletins-TOTAL_FORMS": "2", "bulletins-INITIAL_FORMS": "1",
            "bulletins-0-sequence": "2", "bulletins-0-title": "第二次",
            "bulletins-0-scheduled_at": new_time.strftime("%Y-%m-%dT%H:%M"),
            "bulletins-1-title": "", "bulletins-1-scheduled_at": "",
        },
    )  # fmt: skip
    response = client.post(reverse("campaign_edit", args=[campaign.slug]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "改过的名字" and campaign.slug == "fall"  # the slug cannot change
    upcoming.refresh_from_db()
    assert upcoming.scheduled_at == new_time
    published.refresh_from_db()
    assert published.state == Bulletin.State.PUBLISHED and published.title == "第一次"


def test_deleting_a_bulletin_row_removes_it(client, registrar, campaign):
    Bulletin.objects.create(campaign=campaign, sequence=1, title="x", scheduled_at=timezone.now() + timedelta(days=3))
    client.force_login(registrar)
    data = _form(cohort=str(campaign.cohort), **{
        "bulletins-TOTAL_FORMS": "1", "bulletins-INITIAL_FORMS": "1", "bulletins-0-sequence": "1",
        "bulletins-0-title": "x", "bulletins-0-scheduled_at": f"{timezone.localdate() + timedelta(days=3)}T17:00",
        "bulletins-0-DELETE": "on",
    })  # fmt: skip
    assert client.post(reverse("campaign_edit", args=[campaign.slug]), data).status_code == 302
    assert not campaign.bulletins.exists()


def test_open_and_close_from_the_dashboard(client, registrar, campaign, college_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    student = make_student(college_a, cohort=campaign.cohort, level="bk")
    client.force_login(registrar)
    response = client.post(reverse("campaign_open", args=[campaign.slug]))
    assert response.status_code == 302 and "已开放" in _messages(response)
    assert Check.objects.filter(campaign=campaign, student=student).exists()
    response = client.post(reverse("campaign_close", args=[campaign.slug]))
    assert "已结束" in _messages(response)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.CLOSED
    response = client.post(reverse("campaign_close", args=[campaign.slug]))
    assert "只有进行中的活动可以结束" in _messages(response)


@pytest.mark.parametrize("name", ["campaign_open", "campaign_close"])
def test_a_get_on_open_or_close_returns_to_the_dashboard_and_changes_nothing(client, registrar, campaign, name):
    client.force_login(registrar)
    before = Campaign.objects.get(pk=campaign.pk).state
    response = client.get(reverse(name, args=[campaign.slug]))
    assert response.status_code == 302 and response.url == reverse("campaign_dashboard", args=[campaign.slug])
    assert Campaign.objects.get(pk=campaign.pk).state == before


@pytest.mark.parametrize("name", ["campaign_open", "campaign_close", "campaign_edit"])
@pytest.mark.parametrize("who", ["secretary_a", "student_user", "admissions"])
def test_only_the_registrar_manages_campaigns(client, request, campaign, student_a, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse(name, args=[campaign.slug])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN


def test_the_registrar_home_links_to_dashboards_and_new_campaigns(client, registrar, campaign, student_a):
    client.force_login(registrar)
    html = client.get(reverse("registrar_home")).content.decode()
    assert reverse("campaign_dashboard", args=[campaign.slug]) in html
    assert reverse("campaign_create") in html


def test_campaign_pages_use_a_fixed_number_of_queries(client, registrar, campaign, django_assert_num_queries):
    Bulletin.objects.create(campaign=campaign, sequence=1, title="x", scheduled_at=timezone.now() + timedelta(days=3))
    client.force_login(registrar)
    with django_assert_num_queries(4):
        client.get(reverse("campaign_edit", args=[campaign.slug]))
    with django_assert_num_queries(2):
        client.get(reverse("campaign_create"))


def test_opening_a_second_campaign_for_the_same_cohort_needs_confirmation(client, registrar, campaign):
    twin = Campaign.objects.create(
        slug="twin", name="第二个活动", cohort=campaign.cohort, levels=["bk"],
        opens_on=campaign.opens_on, closes_on=campaign.closes_on,
    )  # fmt: skip
    client.force_login(registrar)
    page = client.get(reverse("campaign_dashboard", args=[twin.slug])).content.decode()
    assert 'data-testid="overlap-warning"' in page and campaign.name in page
    response = client.post(reverse("campaign_open", args=[twin.slug]))
    assert "确认要同时开放吗" in _messages(response)
    assert Campaign.objects.get(pk=twin.pk).state == Campaign.State.DRAFT
    response = client.post(reverse("campaign_open", args=[twin.slug]), {"allow_overlap": "1"})
    assert Campaign.objects.get(pk=twin.pk).state == Campaign.State.OPEN
