"""No caching of personal pages and exports, a Content-Security-Policy, idle sign-out."""

import re
import time
from pathlib import Path

from django.urls import reverse

from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def test_personal_pages_and_exports_are_not_stored(client, student_user, registrar, campaign):
    client.force_login(student_user)
    assert "no-store" in client.get(reverse("student_home"))["Cache-Control"]
    client.force_login(registrar)
    export = client.get(reverse("campaign_export", args=[campaign.slug, "colleges"]) + "?format=csv")
    assert export.status_code == 200
    assert "no-store" in export["Cache-Control"]
    assert "no-store" in client.get(reverse("registrar_home"))["Cache-Control"]


def test_every_page_carries_a_policy_without_inline_script(client):
    policy = client.get(reverse("student_login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: event handler attribute")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
    assert not offenders


def test_the_session_cookie_ends_with_the_browser(client, student_user):
    response = client.post(reverse("student_login"), {"username": student_user.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]


def idle_for(client, minutes):
    session = client.session
    session["_seen"] = int(time.time()) - minutes * 60
    session.save()


def test_a_student_is_signed_out_after_30_idle_minutes(client, student_user):
    client.force_login(student_user)
    idle_for(client, 29)
    assert client.get(reverse("student_home")).status_code == 200
    idle_for(client, 31)
    assert client.get(reverse("student_home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_idle_minutes_are_configurable(client, registrar, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 120
    client.force_login(registrar)
    idle_for(client, 90)
    assert client.get(reverse("registrar_home")).status_code == 200
    idle_for(client, 121)
    assert client.get(reverse("registrar_home")).status_code == 302
