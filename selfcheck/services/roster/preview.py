"""What an import came to, as staff read it in the preview and as the command line prints it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from selfcheck.masking import mask_id_number
from selfcheck.models import Check, College, RosterImport, Student
from selfcheck.services.roster import limits
from selfcheck.services.roster.compare import display
from selfcheck.services.roster.fit import fit_groups
from selfcheck.services.roster.grouping import group_problems
from selfcheck.services.roster.headers import CHECKLIST_COLUMNS
from selfcheck.services.roster.problems import FileRefused, RowProblem
from selfcheck.services.roster.readers import encoding_label
from selfcheck.services.roster.validate import LABELS

KIND_ROSTER = RosterImport.Kind.ROSTER
KIND_CHECKLIST = RosterImport.Kind.CHECKLIST


@dataclass
class Outcome:
    """What reading, checking and perhaps writing one file came to."""

    kind: str
    committed: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    checks_created: int = 0
    total_rows: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    encoding: str = ""
    header_row: int | None = None
    refused: str = ""  # the whole file was refused, and why
    preview: dict = field(default_factory=dict)
    identity_changes: list = field(default_factory=list)  # IdentityChange, accepted or held back
    outside: list[dict] = field(default_factory=list)  # fit_groups of rows outside the campaign
    include_outside: bool = False

    @property
    def identity_held(self) -> list:
        return [change for change in self.identity_changes if not change.accepted]

    def as_json(self) -> dict:
        """The command line's stable contract."""
        return {
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "errors": [problem.as_dict() for problem in self.errors],
            "encoding": self.encoding,
            "header_row": self.header_row,
            "sheet": self.preview.get("sheet", ""),
            "identity_changes": [change.as_json() for change in self.identity_held],
            "outside_campaign": {
                "rows": sum(group["count"] for group in self.outside),
                "included": self.include_outside,
                "groups": [{"cohort": g["cohort"], "level": g["level"], "count": g["count"]} for g in self.outside],
            },
        }


def outcome_of(plan, kind: str) -> Outcome:
    parsed = plan.parsed
    parsed.errors.sort(key=lambda problem: problem.row)
    outcome = Outcome(
        kind=kind, invalid=plan.invalid, errors=parsed.errors, warnings=parsed.warnings, encoding=parsed.encoding,
        header_row=parsed.header.row, total_rows=parsed.data_rows,
    )  # fmt: skip
    header = parsed.header
    preview = {
        "kind": kind,
        "header_row": header.row,
        "columns": [{"title": header.titles[key], "label": _label(kind, key)} for key in header.positions],
        "ignored_columns": header.ignored,
        "data_rows": parsed.data_rows,
        "blank_rows": parsed.blank_rows,
        "errors_total": parsed.errors.total,
        "warnings_total": parsed.warnings.total,
    }
    for name, problems in (("error_groups", parsed.errors), ("warning_groups", parsed.warnings)):
        groups = group_problems(problems)
        preview[name], preview[f"{name}_total"] = groups[: limits.GROUPS_SHOWN], len(groups)
    outcome.outside, outcome.include_outside = fit_groups(plan.outside), plan.include_outside
    preview.update(sheet=getattr(parsed, "sheet", ""), sheets=[name for name, _ in getattr(parsed, "sheets", ())])
    preview.update(outside=outcome.outside, outside_total=sum(plan.outside.values()))
    if kind == KIND_ROSTER:
        outcome.created = len(plan.creates)
        outcome.updated = len(plan.changes)
        outcome.unchanged = len(plan.unchanged_ids)
        fields = Counter(name for change in plan.changes for name in change.values)
        shown = _Shown(college_names="college_id" in fields)
        outcome.identity_changes = plan.identity_changes
        preview["identity_changes"] = [
            {"row": c.row, "student_no": c.student_no, "accepted": c.accepted,
             "fields": [{"label": LABELS.get(k, k), "old": shown(k, c.old[k]), "new": shown(k, c.new[k])}
                        for k in c.fields]}
            for c in plan.identity_changes[: limits.IDENTITY_SHOWN]
        ]  # fmt: skip
        preview["identity_total"] = len(plan.identity_changes)
        preview.update(
            changes=[
                {
                    "row": c.row,
                    "student_no": c.student_no,
                    "name": c.name,
                    "fields": [
                        {"label": LABELS.get(k, k), "old": shown(k, c.old[k]), "new": shown(k, v)}
                        for k, v in c.values.items()
                    ],
                }
                for c in plan.changes[: limits.PREVIEW_SAMPLE]
            ],
            changed_fields=[{"label": LABELS.get(k, k), "count": count} for k, count in fields.most_common()],
            missing={"count": plan.missing_count, "sample": plan.missing_sample},
            unknown_colleges=[{"name": name, "rows": rows} for name, rows in sorted(parsed.unknown_colleges.items())],
            checks_to_create=plan.checks_to_create,
        )
    else:
        outcome.updated = len(plan.changes)
        outcome.unchanged = plan.unchanged
        labels = dict(Check.Status.choices)
        preview.update(
            changes=[
                {
                    "row": c.row,
                    "student_no": c.student_no,
                    "name": c.name,
                    "fields": [{"label": "核对状态", "old": str(labels[c.old]), "new": str(labels[c.new])}],
                }
                for c in plan.changes[: limits.PREVIEW_SAMPLE]
            ],
            changed_fields=[
                {"label": f"改为“{labels[status]}”", "count": count}
                for status, count in Counter(c.new for c in plan.changes).most_common()
            ],
        )
    outcome.preview = preview
    return outcome


def _label(kind: str, key: str) -> str:
    if kind == KIND_CHECKLIST:
        return next((c.label for c in CHECKLIST_COLUMNS if c.key == key), key)
    return LABELS.get(key, key)


class _Shown:
    """Values as staff read them: college names, choice labels, ISO dates."""

    def __init__(self, *, college_names: bool):
        self.colleges = dict(College.objects.values_list("pk", "name")) if college_names else {}
        self.choices = {key: dict(Student._meta.get_field(key).choices) for key in ("gender", "level", "id_type")}

    def __call__(self, key: str, value) -> str:
        if key == "id_number":
            return mask_id_number(display(value))
        if key == "college_id":
            return self.colleges.get(value, str(value))
        if key in self.choices:
            return str(self.choices[key].get(value, value))
        return display(value)


def refused_outcome(kind: str, refused: FileRefused) -> Outcome:
    sheet, sheets = getattr(refused, "sheet", ""), getattr(refused, "sheets", [])
    return Outcome(
        kind=kind, refused=refused.message, errors=list(refused.problems), encoding=refused.encoding,
        header_row=refused.header_row, preview={"sheet": sheet, "sheets": [name for name, _ in sheets]} if sheet else {},
    )  # fmt: skip


def store_outcome(record: RosterImport, outcome: Outcome) -> None:
    record.encoding = outcome.encoding
    record.header_row = outcome.header_row
    record.total_rows = outcome.total_rows
    record.created_count = outcome.created
    record.updated_count = outcome.updated
    record.unchanged_count = outcome.unchanged
    record.invalid_count = outcome.invalid
    record.errors = [p.as_dict() for p in outcome.errors[: limits.MAX_STORED_PROBLEMS]]
    record.warnings = [p.as_dict() for p in outcome.warnings[: limits.MAX_STORED_PROBLEMS]]
    preview = dict(outcome.preview)
    if outcome.encoding:
        preview["encoding_label"] = encoding_label(outcome.encoding)
    if outcome.checks_created:
        preview["checks_created"] = outcome.checks_created
    record.preview = preview
    record.message = outcome.refused
    record.sheet = (outcome.preview.get("sheet") or "")[:128]


def outcome_fields(outcome: Outcome) -> dict:
    record = RosterImport()
    store_outcome(record, outcome)
    names = ("encoding", "header_row", "total_rows", "created_count", "updated_count", "unchanged_count",
             "invalid_count", "errors", "warnings", "preview", "message", "sheet")  # fmt: skip
    return {name: getattr(record, name) for name in names}
