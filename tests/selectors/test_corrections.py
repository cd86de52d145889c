"""The correction queues: filters by state, college, cause, field and age; counts by state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from selfcheck.models import Check, CorrectionRequest
from selfcheck.selectors.corrections import OPEN_STATES, QueueFilters, correction_counts, correction_queue
from tests.factories import file_correction

S = CorrectionRequest.State


def _filed(student, **kwargs):
    return file_correction(Check.objects.select_related("campaign", "student").get(student=student), **kwargs)


def test_the_registrar_queue_filters(registrar, campaign, student_a, student_b):
    a = _filed(student_a, changes={"ethnicity": "回族"}, cause="school_error")
    b = _filed(student_b, changes={"exam_no": "26110101"}, cause="admission_mismatch")
    CorrectionRequest.objects.filter(pk=b.pk).update(state=S.APPROVED, updated_at=timezone.now() - timedelta(days=10))

    def ids(**filters):
        return [c.pk for c in correction_queue(registrar, QueueFilters(**filters))]

    assert ids() == [b.pk, a.pk]  # the longest waiting first
    assert ids(state="open") == [b.pk, a.pk] and ids(state="approved") == [b.pk]
    assert ids(college=student_a.college.code) == [a.pk]
    assert ids(cause="admission_mismatch") == [b.pk]
    assert ids(field="ethnicity") == [a.pk]
    assert ids(older_than_days=7) == [b.pk]
    assert ids(campaign=campaign) == [b.pk, a.pk]


def test_counts_cover_every_open_state_and_only_the_users_scope(registrar, secretary_b, student_a, student_b):
    _filed(student_a)
    applied = _filed(student_b)
    CorrectionRequest.objects.filter(pk=applied.pk).update(state=S.APPLIED)
    counts = correction_counts(registrar)
    assert list(counts) == list(OPEN_STATES) and counts["submitted"] == 1 and "applied" not in counts
    assert sum(correction_counts(secretary_b).values()) == 0  # college B's request is closed
