"""``manage.py import_roster PATH --campaign SLUG [--kind roster|checklist] [--dry-run] [--valid-only] [--json]
[--sheet NAME] [--map-college 名称=代码 ...] [--create-colleges] [--accept-identity-changes] [--include-outside]``

A stable contract for scripts. With ``--json`` stdout holds exactly one JSON object:
``{"committed", "created", "updated", "unchanged", "invalid", "errors": [{"row",
"column", "message"}], "encoding", "header_row", "sheet", "identity_changes": [{"row",
"student_no", "fields"}], "outside_campaign": {"rows", "included", "groups": [{"cohort",
"level", "count"}]}}``. Exit status: 0 when committed or a clean dry run; 1 when rows
are invalid (nothing written) or identity changes were held back (the other rows are
written unless ``--dry-run``; ``committed`` says which); 2 when the file cannot be read
(refused, no header, required columns missing, a college mapping that cannot be done).
College mappings and new colleges are kept only when the import commits.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from selfcheck.models import Campaign, RosterImport
from selfcheck.services.roster import roster_import_run
from selfcheck.services.roster.colleges import CollegeMappingError, parse_college_mapping, roster_colleges_apply
from selfcheck.services.roster.grouping import report_groups
from selfcheck.services.roster.readers import ENCODINGS

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Import a roster or a CHSI check list (.xlsx, .xls, .ods, .csv) into a campaign."
    # A data command for scripts: the system checks import every URL and view (a second
    # or more of start-up) and check nothing this command relies on.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--campaign", required=True, help="the campaign's slug")
        parser.add_argument("--kind", choices=[k.value for k in RosterImport.Kind], default=RosterImport.Kind.ROSTER)
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows even if some are invalid")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), help="CSV encoding (default: detect)")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object and nothing else"
        )
        parser.add_argument("--sheet", help="read this sheet of a workbook (default: the one whose header fits best)")
        parser.add_argument(
            "--map-college", action="append", default=[], metavar="名称=代码",
            help="treat the college name as the college with this code (repeatable)",
        )  # fmt: skip
        parser.add_argument(
            "--create-colleges", action="store_true", help="create the --map-college colleges whose code is new"
        )
        parser.add_argument(
            "--accept-identity-changes", action="store_true",
            help="write rows whose 学号 now carries another person's identity (otherwise held back, exit 1)",
        )  # fmt: skip
        parser.add_argument(
            "--include-outside", action="store_true",
            help="give rows outside the campaign's cohort and levels a Check (check list: apply them)",
        )  # fmt: skip

    def _unreadable(self, as_json: bool, message: str, plain: str) -> None:
        """Stop with exit status 2: one JSON object with the reason, or a plain error."""
        if as_json:
            self._print_json({"committed": False, "created": 0, "updated": 0, "unchanged": 0, "invalid": 0,
                              "errors": [{"row": 0, "column": "", "message": message}],
                              "encoding": "", "header_row": None, "sheet": "", "identity_changes": [],
                              "outside_campaign": {"rows": 0, "included": False, "groups": []}})  # fmt: skip
            sys.exit(EXIT_UNREADABLE)
        raise CommandError(plain, returncode=EXIT_UNREADABLE)

    def handle(self, *args, path, campaign, kind, dry_run, valid_only, encoding, as_json: bool, **options):
        found = Campaign.objects.filter(slug=campaign).first()
        if found is None:
            self._unreadable(as_json, f"没有标识为 {campaign} 的核查活动", f"no campaign with slug {campaign!r}")
        try:
            mappings = [parse_college_mapping(text) for text in options["map_college"]]
        except CollegeMappingError as refused:
            self._unreadable(as_json, str(refused), str(refused))
        outcome = mapped = None
        try:
            with transaction.atomic():  # college mappings stay only if the import commits
                mapped = roster_colleges_apply(mappings, create=options["create_colleges"], user=None)
                outcome = roster_import_run(
                    path, campaign=found, kind=kind, dry_run=dry_run, valid_only=valid_only, encoding=encoding,
                    sheet=options["sheet"], accept_identity_changes=options["accept_identity_changes"],
                    include_outside=options["include_outside"],
                )  # fmt: skip
                if not outcome.committed:
                    transaction.set_rollback(True)
        except CollegeMappingError as refused:
            self._unreadable(as_json, str(refused), str(refused))
        except FileNotFoundError:
            outcome = None
        if outcome is None:
            self._unreadable(as_json, f"文件不存在：{path}", f"no such file: {path}")
        if outcome.refused:
            status = EXIT_UNREADABLE
        elif (outcome.committed or not outcome.invalid) and not outcome.identity_held:
            status = EXIT_OK
        else:
            status = EXIT_INVALID
        if as_json:
            self._print_json(outcome.as_json())
        else:
            for line in mapped or ():
                self.stdout.write(f"学院：{line}")
            self._report(outcome, dry_run=dry_run)
        if status:
            sys.exit(status)

    def _print_json(self, payload: dict) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def _report(self, outcome, *, dry_run: bool) -> None:
        write = self.stdout.write
        if outcome.refused:
            self.stderr.write(f"无法导入：{outcome.refused}")
            return
        if outcome.encoding:
            write(f"编码：{outcome.encoding}")
        if outcome.preview.get("sheet"):
            write(f"工作表：{outcome.preview['sheet']}")
        write(f"表头行：第 {outcome.header_row} 行")
        write(f"新增 {outcome.created}，更新 {outcome.updated}，未变化 {outcome.unchanged}，无效 {outcome.invalid}")
        report_groups(write, outcome)
        for problem in outcome.warnings[:50]:
            write(f"  提示：第 {problem.row} 行 [{problem.column}] {problem.message}")
        if outcome.committed:
            write(self.style.SUCCESS("已导入。"))
        elif dry_run:
            write("试运行：未写入任何数据。")
        else:
            write(self.style.ERROR("有无效行，未写入任何数据（可用 --valid-only 只导入有效行）。"))
        if outcome.identity_held:
            write(
                self.style.ERROR(
                    f"{len(outcome.identity_held)} 行的学号对应了另一个人，未写入（核实后可加 --accept-identity-changes）。"
                )
            )
