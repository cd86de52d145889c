"""The student home served from the page cache: never stale, never someone else's."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from selfcheck.models import Check, Student

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOME = "selfcheck/student_home.html"


def rendered(response) -> bool:
    return HOME in [t.name for t in response.templates]


@pytest.fixture
def student_client(student_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student_user)
    return client


def test_an_unchanged_page_is_served_without_rendering(student_client, student_a):
    first = student_client.get(reverse("student_home"))
    second = student_client.get(reverse("student_home"))
    assert rendered(first) and not rendered(second)
    assert second.status_code == 200 and second["Content-Type"] == first["Content-Type"]
    assert "no-store" in second["Cache-Control"]
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_page_from_the_cache_carries_fresh_working_csrf_tokens(student_client, student_a, campaign):
    first = student_client.get(reverse("student_home")).content.decode()
    second = student_client.get(reverse("student_home")).content.decode()
    tokens = TOKEN.findall(second)
    assert tokens and set(tokens).isdisjoint(TOKEN.findall(first))
    response = student_client.post(
        reverse("student_confirm", args=[campaign.slug]), {"csrfmiddlewaretoken": tokens[-1]}
    )
    assert response.status_code == 302
    assert Check.objects.get(student=student_a).status == Check.Status.CONFIRMED


def test_a_confirm_shows_at_once(student_client, student_a, campaign):
    student_client.get(reverse("student_home"))
    cached = student_client.get(reverse("student_home"))
    assert not rendered(cached) and 'status-pending"' in cached.content.decode()
    token = TOKEN.findall(cached.content.decode())[-1]
    student_client.post(reverse("student_confirm", args=[campaign.slug]), {"csrfmiddlewaretoken": token})
    with_message = student_client.get(reverse("student_home"))
    assert rendered(with_message) and 'status-confirmed"' in with_message.content.decode()
    after = student_client.get(reverse("student_home"))  # the message is gone, the new status stays
    assert 'status-confirmed"' in after.content.decode() and 'status-pending"' not in after.content.decode()


def test_a_change_by_anyone_else_shows_at_once(student_client, student_a, campaign):
    student_client.get(reverse("student_home"))
    Check.objects.filter(student=student_a).update(status=Check.Status.BLOCKED)  # e.g. an import, no signal
    Student.objects.filter(pk=student_a.pk).update(major="数据科学")
    html = student_client.get(reverse("student_home")).content.decode()
    assert 'status-blocked"' in html and "数据科学" in html
    campaign.name = "改名后的核查"
    campaign.save()
    assert "改名后的核查" in student_client.get(reverse("student_home")).content.decode()


def test_another_students_page_is_never_served(client, student_a, student_b, campaign):
    for student, other in ((student_a, student_b), (student_b, student_a)):
        browser = Client()
        browser.force_login(student.user)
        for _ in range(2):
            html = browser.get(reverse("student_home")).content.decode()
            assert student.name in html and other.name not in html
            assert student.masked_id_number in html and other.masked_id_number not in html


def test_the_chosen_language_is_kept_apart(student_client, student_a):
    chinese = student_client.get(reverse("student_home")).content.decode()
    student_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = student_client.get(reverse("student_home")).content.decode()
    assert 'lang="zh-hans"' in chinese and 'lang="en"' in english


def test_pages_with_a_query_string_are_never_cached(student_client, student_a):
    student_client.get(reverse("student_home"))
    assert rendered(student_client.get(reverse("student_home"), {"x": "1"}))
    assert rendered(student_client.get(reverse("student_home"), {"x": "1"}))


def test_the_cache_can_be_turned_off(student_client, student_a, settings):
    settings.SELFCHECK_PAGE_CACHE_SECONDS = 0
    student_client.get(reverse("student_home"))
    assert rendered(student_client.get(reverse("student_home")))
