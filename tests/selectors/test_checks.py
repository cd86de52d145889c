"""A student's home page reads the record and the checks together."""

from datetime import timedelta

from django.utils import timezone

from selfcheck import selectors
from selfcheck.models import Campaign, Check
from tests.factories import make_check


def _later_campaign(state=Campaign.State.OPEN, slug="spring") -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        slug=slug, name=slug, cohort=today.year, levels=["bk"], opens_on=today + timedelta(days=30),
        closes_on=today + timedelta(days=40), state=state,
    )  # fmt: skip


def test_own_record_reads_record_and_checks_in_one_query(
    student_user, student_a, student_b, campaign, django_assert_num_queries
):
    spring = _later_campaign()
    make_check(spring, student_a, status=Check.Status.CONFIRMED)
    make_check(_later_campaign(Campaign.State.DRAFT, slug="draft"), student_a)
    with django_assert_num_queries(1):
        student, checks = selectors.own_record(student_user)
        assert student == student_a and student.college.name == student_a.college.name
        assert [(c.campaign.slug, c.student is student) for c in checks] == [("spring", True), ("fall", True)]
    assert [c.pk for c in checks] == [c.pk for c in selectors.own_checks(student_user)]
    assert student_b.pk not in {c.student_id for c in checks}


def test_own_record_without_a_check_still_gives_the_record(student_user, student_a):
    Check.objects.filter(student=student_a).delete()
    assert selectors.own_record(student_user) == (student_a, [])


def test_own_record_of_staff_is_empty(secretary_a, registrar, student_a):
    assert selectors.own_record(secretary_a) == (None, [])
    assert selectors.own_record(registrar) == (None, [])
