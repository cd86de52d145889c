"""CHSI's list of who has checked: 学号 or 证件号码 with a status, applied to Checks.

Statuses map to ``Check.Status``; a row saying "未核对" takes back a confirmation made
in the portal (CHSI is the record of who really checked) but leaves "cannot log in"
and "no record" alone, since they say why the student has not checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.utils import timezone

from selfcheck.masking import mask_id_number
from selfcheck.models import Campaign, Check, User
from selfcheck.services.roster import limits
from selfcheck.services.roster import normalize as n
from selfcheck.services.roster.commit import copy_available, pg_update_from
from selfcheck.services.roster.fit import outside_campaign
from selfcheck.services.roster.headers import CHECKLIST_COLUMNS, HeaderMap, find_header, missing_columns, refuse_missing
from selfcheck.services.roster.problems import FileRefused, ProblemList, RowProblem
from selfcheck.services.roster.readers import Table, non_blank_rows

S = Check.Status
_STATUSES = {
    S.CONFIRMED: (
        "已核对",
        "核对无误",
        "已确认",
        "确认无误",
        "无误",
        "已完成",
        "已校对",
        "confirmed",
        "checked",
        "done",
    ),
    S.PENDING: ("未核对", "待核对", "未确认", "未完成", "未校对", "pending", "unchecked", "notchecked"),
    S.DISCREPANCY: ("有误", "信息有误", "核对有误", "申请更正", "已申请更正", "有异议", "discrepancy", "incorrect"),
    S.BLOCKED: ("无法登录", "blocked"),
    S.MISSING: ("查无学籍", "无学籍", "未查到学籍", "missing"),
}
STATUSES = {n.fold(alias): value for value, aliases in _STATUSES.items() for alias in aliases}
BATCH = 5000


@dataclass
class ChecklistRow:
    row: int
    student_no: str
    id_number: str
    status: str
    checked_at: datetime | None


@dataclass
class ParsedChecklist:
    header: HeaderMap
    encoding: str
    rows: list[ChecklistRow]
    errors: ProblemList = field(default_factory=lambda: ProblemList(limits.MAX_PROBLEMS))
    warnings: ProblemList = field(default_factory=lambda: ProblemList(limits.MAX_PROBLEMS))
    invalid_rows: set[int] = field(default_factory=set)
    data_rows: int = 0
    blank_rows: int = 0


@dataclass
class CheckChange:
    row: int
    check_id: int
    student_no: str
    name: str
    old: str
    new: str
    completed_at: datetime | None
    blocked_reason: str


@dataclass
class ChecklistPlan:
    parsed: ParsedChecklist
    changes: list[CheckChange] = field(default_factory=list)
    unchanged: int = 0
    # Rows whose student is outside the campaign's cohort/levels: (cohort, level) -> rows.
    outside: Counter = field(default_factory=Counter)
    include_outside: bool = False

    @property
    def invalid(self) -> int:
        return len(self.parsed.invalid_rows)


def status(raw) -> str:
    try:
        return STATUSES[n.fold(raw)]
    except KeyError:
        raise n.CellError(
            f"无法识别的核对状态“{n.clean(raw)[:20]}”（可用：已核对、未核对、有误、无法登录、查无学籍）"
        ) from None


def checked_at(raw) -> datetime:
    """A time of day is optional: ``2026-10-30 14:05`` or just the date."""
    value = n.clean(raw)
    try:
        moment = datetime.fromisoformat(value.replace("/", "-").replace(".", "-", 2)) if len(value) > 10 else None
    except ValueError:
        moment = None
    if moment is None:
        moment = datetime.combine(n.parse_date(raw), time(0, 0))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_checklist(table: Table, *, progress: Callable[[int], None] | None = None) -> ParsedChecklist:
    header = find_header(table.rows, CHECKLIST_COLUMNS, minimum=2)
    problems = missing_columns(header, CHECKLIST_COLUMNS)
    if "student_no" not in header.positions and "id_number" not in header.positions:
        problems.append(
            RowProblem(
                header.row, "学号",
                "缺少用于识别学生的列：需要“学号”或“证件号码”之一。"
                f"可用的列名：{CHECKLIST_COLUMNS[0].spellings}；{CHECKLIST_COLUMNS[1].spellings}。",
            )
        )  # fmt: skip
    refuse_missing(header, problems)
    parsed = ParsedChecklist(header=header, encoding=table.encoding, rows=[])
    positions = header.positions
    seen: dict[str, int] = {}

    def cell(cells, key):
        position = positions.get(key)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    for number, cells in non_blank_rows(table, parsed, progress):
        parsed.data_rows += 1
        errors = []
        student_no = id_number = ""
        value = None
        try:
            if cell(cells, "student_no") not in ("", None):
                student_no = n.code(32, "学号")(cell(cells, "student_no"))
            if cell(cells, "id_number") not in ("", None):
                id_number = n.id_number(cell(cells, "id_number"))
        except n.CellError as exc:
            errors.append(
                RowProblem(number, header.title("student_no" if not student_no else "id_number"), exc.message)
            )
        if not errors and not student_no and not id_number:
            errors.append(RowProblem(number, header.title("student_no"), "学号和证件号码不能都为空"))
        raw_status = cell(cells, "status")
        if n.clean(raw_status) == "":
            errors.append(RowProblem(number, header.title("status"), "核对状态不能为空"))
        else:
            try:
                value = status(raw_status)
            except n.CellError as exc:
                errors.append(RowProblem(number, header.title("status"), exc.message))
        when = None
        raw_time = cell(cells, "checked_at")
        if n.clean(raw_time):
            try:
                when = checked_at(raw_time)
            except n.CellError as exc:
                errors.append(RowProblem(number, header.title("checked_at"), exc.message))
        key = student_no or id_number
        if key:
            first = seen.setdefault(key, number)
            if first != number:
                errors.append(
                    RowProblem(
                        number,
                        header.title("student_no" if student_no else "id_number"),
                        f"{student_no or mask_id_number(id_number)} 与第 {first} 行重复",
                    )
                )
        if errors:
            parsed.errors.extend(errors)
            parsed.invalid_rows.add(number)
            continue
        parsed.rows.append(ChecklistRow(number, student_no, id_number, value, when))
    if parsed.data_rows == 0:
        raise FileRefused(f"表头（第 {header.row} 行）以下没有任何数据行。", header_row=header.row)
    return parsed


def compare_checklist(parsed: ParsedChecklist, campaign: Campaign, *, include_outside: bool = False) -> ChecklistPlan:
    """Find each row's Check in the campaign and what would change; rows of students
    outside the campaign's cohort and levels change nothing unless ``include_outside``."""
    plan = ChecklistPlan(parsed=parsed, include_outside=include_outside)
    by_no: dict[str, tuple] = {}
    by_id: dict[str, tuple] = {}
    checks = Check.objects.filter(campaign=campaign).values_list(
        "pk",
        "status",
        "completed_at",
        "blocked_reason",
        "student__student_no",
        "student__id_number",
        "student__name",
        "student__cohort",
        "student__level",
    )
    for row in checks:
        by_no[row[4]] = row
        by_id[row[5]] = row
    title = parsed.header.title
    now = timezone.now()
    kept = []
    for item in parsed.rows:
        found = (
            (item.student_no and by_no.get(item.student_no)) or (item.id_number and by_id.get(item.id_number)) or None
        )
        if found is None:
            column = title("student_no") if item.student_no else title("id_number")
            what = f"学号 {item.student_no}" if item.student_no else "该证件号码"
            parsed.errors.append(RowProblem(item.row, column, f"本活动的核对名单中没有{what}的学生"))
            parsed.invalid_rows.add(item.row)
            continue
        kept.append(item)
        pk, old, completed_at, blocked_reason, student_no, _, name, cohort, level = found
        if outside_campaign(campaign, cohort, level):
            plan.outside[(cohort, level)] += 1
            if not include_outside:
                continue
        new = item.status
        if new == S.PENDING and old in (S.BLOCKED, S.MISSING):
            new = old
        if new == old:
            plan.unchanged += 1
            continue
        if new in Check.DONE:
            completed = item.checked_at or (completed_at if old in Check.DONE else None) or now
        else:
            completed = None
        plan.changes.append(
            CheckChange(row=item.row, check_id=pk, student_no=student_no, name=name, old=old, new=new,
                        completed_at=completed, blocked_reason=blocked_reason if new == S.BLOCKED else "")
        )  # fmt: skip
    parsed.rows = kept
    parsed.errors.sort(key=lambda problem: problem.row)
    return plan


def write_checklist(plan: ChecklistPlan, *, user: User | None, now: datetime) -> int:
    """Apply the changes in bulk; source "CHSI list", time and person recorded. Caller holds the transaction."""
    if not plan.changes:
        return 0
    user_id = user.pk if user is not None and user.pk else None
    if copy_available():
        rows = [(c.check_id, c.new, c.completed_at, c.blocked_reason) for c in plan.changes]
        return pg_update_from(
            Check, rows, ["status", "completed_at", "blocked_reason"], nulls_keep=False,
            also={"source": Check.Source.CHSI_LIST, "set_at": now, "set_by": user_id},
        )  # fmt: skip
    checks = [
        Check(pk=c.check_id, status=c.new, completed_at=c.completed_at, blocked_reason=c.blocked_reason,
              source=Check.Source.CHSI_LIST, set_at=now, set_by_id=user_id)
        for c in plan.changes
    ]  # fmt: skip
    Check.objects.bulk_update(
        checks, ["status", "completed_at", "blocked_reason", "source", "set_at", "set_by"], batch_size=1000
    )
    return len(checks)
