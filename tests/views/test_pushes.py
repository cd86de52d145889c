"""The registrar sets a college's group-robot push; the college page shows how it went."""

from datetime import time

from django.urls import reverse
from django.utils import timezone

from selfcheck.models import CollegePush

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"


def test_the_registrar_sets_a_push_and_a_bad_address_is_refused(client, registrar, college_a):
    client.force_login(registrar)
    url = reverse("college_push_edit", args=["A01"])
    response = client.post(url, {"url": "https://example.com/x", "send_at": "17:00", "enabled": "on"})
    assert response.status_code == 200 and "只支持企业微信" in response.content.decode()
    assert not CollegePush.objects.exists()
    response = client.post(url, {"url": WECOM, "send_at": "17:30", "enabled": "on"})
    assert response.status_code == 302
    push = CollegePush.objects.get(college=college_a)
    assert (push.webhook_url, push.send_at, push.enabled) == (WECOM, time(17, 30), True)
    assert client.post(url, {"url": WECOM, "send_at": "25:99"}).status_code == 200


def test_secretaries_cannot_set_pushes_and_unknown_colleges_are_404(client, registrar, secretary_a, college_a):
    client.force_login(secretary_a)
    assert client.get(reverse("college_push_edit", args=["A01"])).status_code == 403
    client.force_login(registrar)
    assert client.get(reverse("college_push_edit", args=["ZZ"])).status_code == 404


def test_the_college_page_shows_a_failed_push_and_its_retry(client, secretary_a, campaign, college_a):
    now = timezone.now()
    CollegePush.objects.create(
        college=college_a, webhook_url=WECOM, send_at=time(17, 0), attempts=2, next_run_at=now,
        last_error="RuntimeError: errcode 93000: invalid webhook url", last_error_at=now,
    )  # fmt: skip
    client.force_login(secretary_a)
    html = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"])).content.decode()
    assert 'data-testid="push-error"' in html and "93000" in html and "已失败 2 次" in html
    assert "key=abc" not in html  # the robot's key stays with the registrar
