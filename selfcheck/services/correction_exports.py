"""The CHSI record-change list: approved and applied corrections, one row per changed field.

Registrar data: ID numbers in full. Every export is audited by its caller's service
``corrections_export``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest

from selfcheck.models import Campaign, CorrectionRequest, User
from selfcheck.services import correction_fields as fields
from selfcheck.services.audit import audit_record
from selfcheck.services.exports import render_xlsx

HEADERS = ["学号", "姓名", "证件号码", "变更字段", "原值", "新值", "变更原因", "审批文号"]
EXPORT_STATES = (CorrectionRequest.State.APPROVED, CorrectionRequest.State.APPLIED)


def export_queryset(corrections: QuerySet[CorrectionRequest], states=EXPORT_STATES) -> QuerySet[CorrectionRequest]:
    return (
        corrections.filter(state__in=states)
        .select_related("student")
        .prefetch_related("items")
        .order_by("student__student_no", "pk")
    )


def export_rows(corrections: QuerySet[CorrectionRequest]) -> Iterator[list]:
    for correction in corrections:
        student = correction.student
        # Before applying the record still holds the old values; afterwards the
        # request's items keep them.
        for item in correction.items.all():
            yield [
                student.student_no,
                student.name if item.field != "name" else item.current_value,
                student.id_number if item.field != "id_number" else item.current_value,
                f"{fields.label(item.field)} {fields.CHSI_CODES.get(item.field, '')}".strip(),
                fields.display_value(item.field, item.current_value, reveal_id=True),
                fields.display_value(item.field, item.requested_value, reveal_id=True),
                correction.get_cause_display(),
                correction.province_reference,
            ]


def corrections_export(
    corrections: QuerySet[CorrectionRequest], *, campaign: Campaign | None, states=EXPORT_STATES,
    by: User | None, request: HttpRequest | None = None,
) -> tuple[bytes, int]:  # fmt: skip
    """Render the list as xlsx; returns (bytes, rows). Audited as ``corrections.export``."""
    rows = list(export_rows(export_queryset(corrections, states)))
    content = render_xlsx(HEADERS, rows, sheet_title="学籍变更")
    audit_record(
        actor=by,
        action="corrections.export",
        target=campaign,
        changes={"states": [None, list(states)], "rows": [None, len(rows)]},
        request=request,
    )
    return content, len(rows)
