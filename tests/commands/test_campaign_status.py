"""The campaign_status command: the dashboard's numbers on the command line."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from selfcheck import stats


def test_campaign_status_json_matches_the_dashboard(client, registrar, campaign, school):
    out = StringIO()
    call_command("campaign_status", campaign.slug, "--json", stdout=out)
    data = json.loads(out.getvalue())
    client.force_login(registrar)
    context = client.get(reverse("campaign_dashboard", args=[campaign.slug])).context
    overall = context["overall"]
    assert data["total"] == overall["total"] == 7
    assert data["done"] == overall["done"]
    assert data["rate"] == float(overall["rate"]) == 42.9
    assert data["by_status"] == {status: overall[status] for status in stats.STATUSES}
    dashboard = {row["code"]: row for row in context["colleges"]}
    assert [c["code"] for c in data["colleges"]] == [row["code"] for row in context["colleges"]]
    for college in data["colleges"]:
        row = dashboard[college["code"]]
        assert college["total"] == row["total"]
        assert college["rate"] == float(row["rate"])
        assert college["rank"] == row["rank"]
        assert college["by_status"] == {status: row[status] for status in stats.STATUSES}


def test_campaign_status_prints_a_table_without_json(campaign, school):
    out = StringIO()
    call_command("campaign_status", campaign.slug, stdout=out)
    text = out.getvalue()
    assert "ALL" in text and "计算机学院" in text and "42.9" in text


def test_campaign_status_of_an_unknown_campaign_fails_clearly(db):
    with pytest.raises(CommandError, match="no campaign"):
        call_command("campaign_status", "nope", "--json")
