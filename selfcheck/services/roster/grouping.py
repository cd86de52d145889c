"""Identical row problems grouped: one line per (column, message) with a count and the
first rows, so 241 rows naming the same unknown college read as one problem. Every
problem stays in the download."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from selfcheck.services.roster.problems import RowProblem

FIRST_ROWS = 10


def group_problems(problems: Iterable[RowProblem], *, first: int = FIRST_ROWS) -> list[dict]:
    """``[{"column", "message", "count", "rows": [first rows]}]``, largest group first."""
    groups: dict[tuple[str, str], dict] = {}
    for problem in problems:
        shown = problem.as_dict()  # ID numbers masked, as everywhere staff read problems
        key = (shown["column"], shown["message"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"column": shown["column"], "message": shown["message"], "count": 0, "rows": []}
        group["count"] += 1
        if len(group["rows"]) < first:
            group["rows"].append(problem.row)
    return sorted(groups.values(), key=lambda g: (-g["count"], g["rows"][0] if g["rows"] else 0))


def report_groups(write: Callable[[str], None], outcome) -> None:
    """The command line's plain-text report of errors, identity changes and campaign fit."""
    groups = group_problems(outcome.errors)
    for group in groups[:100]:
        rows = "、".join(str(row) for row in group["rows"])
        more = "……" if group["count"] > len(group["rows"]) else ""
        write(f"  [{group['column']}] {group['message']}：{group['count']} 行（第 {rows}{more} 行）")
    if len(groups) > 100:
        write(f"  …… 另有 {len(groups) - 100} 类错误（--json 列出全部）")
    if any("学院“" in group["message"] and "不存在" in group["message"] for group in groups):
        write("  未知学院可用 --map-college 名称=代码 对应到已有学院，加 --create-colleges 新建。")
    for change in outcome.identity_changes:
        state = "已确认写入" if change.accepted else "未写入"
        write(f"  身份变更（{state}）：第 {change.row} 行 学号 {change.student_no}，{'、'.join(change.fields)} 不同")
    for group in outcome.outside:
        verb = "已纳入本活动" if outcome.include_outside else "不纳入本活动（--include-outside 可纳入）"
        write(f"  活动范围外：{group['cohort']}级 {group['level_label']} {group['count']} 行，{verb}")
