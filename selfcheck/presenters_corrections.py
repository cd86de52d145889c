"""Correction requests and record changes laid out for pages: labels, display values, masking."""

from __future__ import annotations

from django.utils.translation import gettext as _

from selfcheck.services import correction_fields as fields


def item_rows(items) -> list[dict]:
    return [
        {
            "field": item.field,
            "label": fields.label(item.field),
            "code": fields.CHSI_CODES.get(item.field, ""),
            "old": fields.display_value(item.field, item.current_value) or "—",
            "new": fields.display_value(item.field, item.requested_value) or "—",
        }
        for item in items
    ]


def correction_rows(corrections) -> list[dict]:
    return [{"correction": c, "items": item_rows(c.items.all())} for c in corrections]


def difference_rows(differences) -> list[dict]:
    return [
        {"label": fields.label(field), "old": fields.display_value(field, old) or "—",
         "new": fields.display_value(field, new) or "—"}
        for field, old, new in differences
    ]  # fmt: skip


def _field_label(name: str) -> str:
    from django.core.exceptions import FieldDoesNotExist

    try:
        return fields.label(name)
    except FieldDoesNotExist:
        return name


def change_rows(changes) -> list[dict]:
    rows = []
    for change in changes:
        if change.correction_id:
            source = _("更正申请 #%(id)d") % {"id": change.correction_id}
        elif change.roster_import_id:
            source = _("名册导入：%(name)s") % {
                "name": change.roster_import.original_name if change.roster_import else ""
            }
        else:
            source = _("系统")
        who = change.changed_by
        rows.append({
            "at": change.changed_at,
            "label": _field_label(change.field),
            "old": fields.display_value(change.field, change.old_value) or "—",
            "new": fields.display_value(change.field, change.new_value) or "—",
            "who": (who.get_full_name() or who.username) if who else _("系统"),
            "source": source,
            "correction_id": change.correction_id,
        })  # fmt: skip
    return rows


def count_rows(counts: dict[str, int]) -> list[dict]:
    from selfcheck.models import CorrectionRequest

    labels = dict(CorrectionRequest.State.choices)
    return [{"state": state, "label": labels[state], "count": count} for state, count in counts.items()]


def comment_rows(comments) -> list[dict]:
    from selfcheck.models import CorrectionRequest
    from selfcheck.services.corrections import STEPS

    states = dict(CorrectionRequest.State.choices)
    rows = []
    for comment in comments:
        step = STEPS.get(comment.action)
        author = comment.author
        rows.append({
            "action": str(step.label) if step else comment.action,
            "state": states.get(comment.to_state, ""),
            "at": comment.created_at,
            "who": (author.get_full_name() or author.username) if author else _("系统"),
            "text": comment.text,
        })  # fmt: skip
    return rows


def correction_context(user, student) -> dict:
    """A student's requests (in the user's scope) and record changes, for the staff check page."""
    from selfcheck.selectors import corrections as selectors_corrections

    requests = selectors_corrections.corrections_for(user).filter(student=student).prefetch_related("items")
    return {
        "student_corrections": correction_rows(requests),
        "change_history": change_rows(selectors_corrections.student_changes(student)),
    }
