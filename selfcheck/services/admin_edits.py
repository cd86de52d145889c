"""Edits made in the Django admin: audited like every other change, derived data kept in step.

The admin shows workflow fields (check status, campaign state, bulletin state and
files, import state) read-only; what it may still change goes through here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import HttpRequest

from selfcheck import stats
from selfcheck.masking import mask_id_number
from selfcheck.models import Campaign, Student, User
from selfcheck.services.audit import audit_record
from selfcheck.services.students import student_sync_checks


def admin_values(obj: models.Model, names: list[str]) -> dict[str, Any]:
    """The current values of ``names`` on ``obj`` as the audit log stores them."""
    values = {}
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field, such as a password
            continue
        if field.many_to_many:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        else:
            values[name] = _plain(getattr(obj, field.attname, None), masked=name == "id_number")
    return values


def _plain(value: Any, *, masked: bool = False) -> Any:
    if masked and value:
        return mask_id_number(str(value))
    if isinstance(value, (date, datetime, Decimal)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def admin_edit_record(
    obj: models.Model,
    *,
    before: dict[str, Any],
    created: bool,
    by: User,
    inline_rows: list[str] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record an admin edit of ``obj`` already saved; ``before`` holds the old values,
    ``inline_rows`` the rows added (+), changed (~) or deleted (-) in its inlines.

    Side effects: one audit event ``admin.add`` or ``admin.change`` with old and new
    values; a student moved to another college takes their checks along; the cached
    dashboard numbers of a changed campaign, or of every campaign a moved student is
    in, are dropped after commit.
    """
    after = admin_values(obj, list(before))
    changes = {name: [None if created else before[name], after[name]] for name in before if before[name] != after[name]}
    if inline_rows:
        changes["inline_rows"] = [None, inline_rows]
    with transaction.atomic():
        if isinstance(obj, Student) and {"college", "major", "class_name"} & set(changes) and not created:
            student_sync_checks(obj)  # also recounts the dashboards of the student's campaigns
            for campaign_id in obj.checks.values_list("campaign_id", flat=True):
                transaction.on_commit(lambda pk=campaign_id: stats.invalidate(pk))
        if isinstance(obj, Campaign):
            transaction.on_commit(lambda: stats.invalidate(obj.pk))
        if changes or created:
            action = "admin.add" if created else "admin.change"
            audit_record(actor=by, action=action, target=obj, changes=changes, request=request)
