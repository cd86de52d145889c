"""The ``bulletins`` command on the demo school."""

from __future__ import annotations

import io
import json
from datetime import datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from selfcheck.models import Bulletin, Campaign, User


def run(*args) -> str:
    out = io.StringIO()
    call_command("bulletins", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--students", "150", "--seed", "3", stdout=io.StringIO())
    return Campaign.objects.get(slug="demo")


def test_publish_now_produces_a_page_a_word_file_and_a_workbook_that_open(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = json.loads(run("demo", "--publish-now", "--json"))
    assert result["campaign"] == "demo" and result["published"]["outcome"] == "published"
    produced = next(b for b in result["bulletins"] if b["sequence"] == result["published"]["sequence"])
    assert produced["state"] == "published" and produced["title"].endswith("进度的第一次通报")
    bulletin = Bulletin.objects.get(campaign=demo, sequence=produced["sequence"])
    assert produced["rate"] == bulletin.snapshot["overall"]["rate"]
    assert Document(produced["docx"]).paragraphs[0].text == produced["title"]
    book = load_workbook(produced["xlsx"], read_only=True)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 1 + len(bulletin.snapshot["colleges"])
    client = Client()
    client.force_login(User.objects.get(username="registrar"))
    page = client.get(produced["page"])
    assert page.status_code == 200 and produced["title"] in page.content.decode()
    scheduled = [b for b in result["bulletins"] if b["sequence"] != produced["sequence"]]
    assert scheduled and all(b["docx"] is None and b["rate"] is None for b in scheduled)


def test_add_schedules_a_bulletin_and_refuses_a_time_outside_the_window(demo):
    inside = timezone.localtime() + timedelta(days=1)
    result = json.loads(run("demo", "--add", inside.strftime("%Y-%m-%d %H:%M"), "--json"))
    assert result["added"] == 3 and result["bulletins"][-1]["state"] == "scheduled"
    outside = timezone.make_aware(datetime.combine(demo.closes_on + timedelta(days=5), time(9, 0)))
    with pytest.raises(CommandError, match="不在活动期间"):
        run("demo", "--add", outside.strftime("%Y-%m-%d %H:%M"))
    assert "added" in json.loads(run("demo", "--add", outside.strftime("%Y-%m-%d %H:%M"), "--outside-window", "--json"))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("demo", "--add", "tomorrow")


def test_the_plain_listing_names_the_files(demo):
    run("demo", "--publish-now")
    text = run("demo")
    assert "published" in text and ".docx" in text and ".xlsx" in text


def test_an_unknown_campaign_is_an_error(db):
    with pytest.raises(CommandError, match="no campaign"):
        run("nope")
