"""A college's group-robot push, for the people who may see that college."""

from __future__ import annotations

from selfcheck.models import College, CollegePush


def college_push_of(college: College) -> CollegePush | None:
    """The push of a college the caller already reached through ``college_for``."""
    return CollegePush.objects.filter(college=college).first()
