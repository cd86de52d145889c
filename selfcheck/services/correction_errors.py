"""Errors of the correction workflow; their messages are shown to the user as they are."""

from __future__ import annotations


class CorrectionError(Exception):
    """A step that cannot be taken now."""


class CorrectionForbidden(CorrectionError):
    """The user's role or scope may never take this step (a 403, not a message)."""


class CorrectionConflict(CorrectionError):
    """The record changed since filing; ``differences`` lists (field, at filing, now)."""

    def __init__(self, message: str, differences: list[tuple[str, str, str]]):
        super().__init__(message)
        self.differences = differences
