"""The registrar's campaign dashboard and a college's page: counts, ranking, chase list, filters, cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from selfcheck.counters import counts_rebuild
from selfcheck.models import Check


def test_the_pending_list_shows_class_and_phone_of_everyone_not_done(client, secretary_a, campaign, college_a_students):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]))
    rows = [check.student.name for check in response.context["page"].object_list]
    assert sorted(rows) == sorted(["张三", "钱二", "孙三"])  # not 赵一, who confirmed
    html = response.content.decode()
    for header in ("学号", "姓名", "班级", "专业", "电话", "状态", "更新时间"):
        assert f"<th>{header}</th>" in html
    assert "13900000002" in html and "软件2602" in html
    counts = response.context["counts"]
    assert (counts["total"], counts["done"], counts["pending"], counts["blocked"]) == (4, 1, 2, 1)
    assert [m["major"] for m in response.context["majors"]] == ["人工智能", "软件工程"]
    assert {c["class_name"] for c in response.context["classes"]} == {"软件2601", "软件2602", "智能2601"}
    assert response.context["trend_chart"] is not None


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "blocked"}, ["钱二"]),
        ({"status": "done"}, ["赵一"]),
        ({"status": "all", "major": "人工智能"}, ["孙三"]),
        ({"status": "all", "class_name": "软件2601"}, ["张三", "赵一"]),
        ({"status": "all", "q": "赵"}, ["赵一"]),
        ({"q": "2026010001"}, ["张三"]),
    ],
)
def test_filters_and_search(client, secretary_a, campaign, college_a_students, params, names):
    client.force_login(secretary_a)
    page = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), params).context["page"]
    assert sorted(check.student.name for check in page.object_list) == sorted(names)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "bogus"}, "筛选条件无效"),
        ({"q": "x" * 200}, "筛选条件无效"),
        ({"page": "abc"}, "页码无效"),
        ({"page": "999"}, "页码超出范围"),
        ({"page": "-1"}, "页码超出范围"),
    ],
)
def test_bad_filters_and_pages_get_a_message_not_an_error(
    client, secretary_a, campaign, college_a_students, params, expected
):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), params)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_campaign_dashboard_ranks_colleges_and_lists_blocked_and_missing(
    client, registrar, campaign, student_a, student_b
):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED, completed_at=timezone.now())
    Check.objects.filter(student=student_b).update(status=Check.Status.MISSING, set_at=timezone.now())
    counts_rebuild([campaign.pk])  # queryset updates are bulk writes: the dashboards' counts are rebuilt
    client.force_login(registrar)
    response = client.get(reverse("campaign_dashboard", args=[campaign.slug]))
    context = response.context
    assert [(r["code"], r["rank"], r["rate"]) for r in context["colleges"]] == [("A01", 1, 100), ("B02", 2, 0)]
    assert context["overall"]["done"] == 1 and context["overall"]["missing"] == 1
    assert [c.student for c in context["problems"].object_list] == [student_b]
    html = response.content.decode()
    assert 'data-testid="trend-chart"' in html and 'data-testid="college-chart"' in html
    assert reverse("college_dashboard", args=[campaign.slug, "A01"]) in html
    assert student_b.id_number not in html


def test_the_registrar_drills_down_college_class_student(client, registrar, campaign, student_a, student_b):
    client.force_login(registrar)
    college = client.get(reverse("college_dashboard", args=[campaign.slug, "B02"]))
    assert [c["class_name"] for c in college.context["classes"]] == [student_b.class_name]
    klass = client.get(
        reverse("college_dashboard", args=[campaign.slug, "B02"]), {"status": "all", "class_name": student_b.class_name}
    )
    assert [c.student for c in klass.context["page"].object_list] == [student_b]
    detail = client.get(reverse("check_detail", args=[campaign.slug, student_b.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert student_b.masked_id_number in html and student_b.id_number not in html


def test_cached_dashboards_skip_the_aggregate_queries(client, registrar, campaign, student_a, student_b):
    Check.objects.filter(student=student_b).update(status=Check.Status.MISSING, set_at=timezone.now())
    client.force_login(registrar)
    url = reverse("campaign_dashboard", args=[campaign.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm.captured_queries) == 6


def test_the_dashboard_and_college_page_show_the_forecast(client, registrar, secretary_a, campaign, school):
    client.force_login(registrar)
    response = client.get(reverse("campaign_dashboard", args=[campaign.slug]))
    rows = response.context["forecasts"]
    assert {r["code"] for r in rows} == {"A01", "B02"}
    assert all(r["forecast"].total == r["total"] for r in rows)
    assert 'data-testid="forecast"' in response.content.decode()
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]))
    (row,) = response.context["forecasts"]
    assert row["forecast"].total == 5 and row["forecast"].done == 2 and sum(row["forecast"].recent) == 2
