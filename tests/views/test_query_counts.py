"""Queries per page stay the same whatever the number of students."""

import pytest
from django.urls import reverse

from tests.factories import grow_school

LIST_PAGES = [
    ("registrar", "campaign_dashboard", lambda c, s: [c.slug], {}, 8),
    ("registrar", "campaign_checks", lambda c, s: [c.slug], {"status": "all"}, 6),
    ("registrar", "college_dashboard", lambda c, s: [c.slug, "A01"], {"status": "all"}, 9),
    ("secretary_a", "college_dashboard", lambda c, s: [c.slug, "A01"], {}, 9),
    ("secretary_a", "college_dashboard", lambda c, s: [c.slug, "A01"], {"q": "王", "status": "all"}, 9),
    ("secretary_a", "secretary_home", lambda c, s: [], {}, 7),
    ("registrar", "registrar_home", lambda c, s: [], {}, 5),
    ("secretary_a", "check_detail", lambda c, s: [c.slug, s.pk], {}, 7),
    ("student_user", "student_home", lambda c, s: [], {}, 7),
    ("student_user", "student_discrepancy", lambda c, s: [c.slug], {}, 4),
    ("secretary_a", "college_chase", lambda c, s: [c.slug, "A01"], {}, 5),
    ("student_user", "student_blocked", lambda c, s: [c.slug], {}, 5),
]


@pytest.mark.parametrize(("who", "name", "args", "params", "expected"), LIST_PAGES)
def test_pages_use_a_fixed_number_of_queries(
    client, request, campaign, college_a, college_b, student_a, student_b, who, name, args, params, expected,
    django_assert_num_queries,
):  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=args(campaign, student_a))
    grow_school(campaign, college_a, college_b, 6)
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow_school(campaign, college_a, college_b, 120)  # more students, more than one page of them
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
