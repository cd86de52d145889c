"""The failed-attempt counters: one row per key, counted with conditional UPDATEs."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from selfcheck.models import AttemptCounter
from selfcheck.services import throttle

WINDOW = timedelta(minutes=15)


def test_an_expired_window_starts_again_at_one(db):
    AttemptCounter.objects.create(key="id:1", count=5, expires_at=timezone.now() - timedelta(seconds=1))
    assert throttle._take("id:1", 5, WINDOW)
    assert AttemptCounter.objects.get(key="id:1").count == 1


def test_a_full_window_refuses(db):
    AttemptCounter.objects.create(key="id:1", count=5, expires_at=timezone.now() + WINDOW)
    assert not throttle._take("id:1", 5, WINDOW)
    assert AttemptCounter.objects.get(key="id:1").count == 5


def test_a_window_renewed_by_a_parallel_request_still_counts_this_one(db, monkeypatch):
    """Two requests find the window expired; the other one renews it first.

    The slower request must count on the renewed window, not give up as if locked out.
    """
    AttemptCounter.objects.create(key="id:1", count=5, expires_at=timezone.now() - timedelta(seconds=1))
    original = QuerySet.update
    calls = []

    def update(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:  # this request's first UPDATE found the old window expired ...
            result = original(self, **kwargs)
            # ... and before its renewal runs, the parallel request renews the window.
            AttemptCounter.objects.filter(key="id:1").update(count=1, expires_at=timezone.now() + WINDOW)
            return result
        return original(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    assert throttle._take("id:1", 5, WINDOW)
    monkeypatch.setattr(QuerySet, "update", original)
    assert AttemptCounter.objects.get(key="id:1").count == 2
