"""The chase command: per college and class, the students still pending or blocked."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from selfcheck.models import Check, Student


def _run(*args) -> str:
    out = StringIO()
    call_command("chase", *args, stdout=out)
    return out.getvalue()


def test_json_lists_exactly_the_pending_and_blocked_students(campaign, school):
    data = json.loads(_run(campaign.slug, "--json"))
    listed = {
        (s["student_no"], s["status"])
        for college in data["colleges"]
        for klass in college["classes"]
        for s in klass["students"]
    }
    expected = set(
        Check.objects.filter(campaign=campaign, status__in=["pending", "blocked"]).values_list(
            "student__student_no", "status"
        )
    )
    assert listed == expected and len(expected) == 3
    assert data["total"] == 3 and [c["code"] for c in data["colleges"]] == ["A01", "B02"]
    first = data["colleges"][0]["classes"][0]["students"][0]
    assert set(first) == {"name", "student_no", "status"}


def test_no_id_number_leaves_the_command(campaign, school):
    text = _run(campaign.slug, "--json") + _run(campaign.slug)
    for id_number in Student.objects.values_list("id_number", flat=True):
        assert id_number not in text and id_number[-4:] + "\n" not in text


def test_it_narrows_to_one_college_and_class(campaign, school):
    data = json.loads(_run(campaign.slug, "--college", "A01", "--class", "软件2602", "--json"))
    assert [c["code"] for c in data["colleges"]] == ["A01"]
    assert [k["class_name"] for k in data["colleges"][0]["classes"]] == ["软件2602"]


def test_text_output_is_one_paste_ready_reminder_per_class(campaign, school):
    text = _run(campaign.slug, "--college", "A01")
    assert text.count("【2026级新生学籍自查】") == len(
        set(
            Check.objects.filter(campaign=campaign, college__code="A01", status__in=["pending", "blocked"]).values_list(
                "student__class_name", flat=True
            )
        )
    )
    assert "（无法登录，请联系学院）" in text


def test_unknown_campaign_or_college_is_a_clear_error(campaign):
    with pytest.raises(CommandError, match="no campaign"):
        _run("nope")
    with pytest.raises(CommandError, match="no college"):
        _run(campaign.slug, "--college", "ZZ")
