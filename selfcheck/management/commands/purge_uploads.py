"""Delete uploaded rosters and correction evidence once their retention period is over."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from selfcheck.services.retention import uploads_purge


class Command(BaseCommand):
    help = "删除保留期已过的名册文件和证明材料（数据库记录保留）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保留天数，默认取 SELFCHECK_RETENTION_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的文件，不删除")
        parser.add_argument("--json", action="store_true", dest="as_json", help="输出一个 JSON 对象")

    def handle(self, *args, days=None, dry_run=False, as_json=False, **options):
        days = settings.SELFCHECK_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days 至少为 1。")
        report = uploads_purge(days=days, dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(
            f"{verb} {len(report.imports)} 个名册文件、{len(report.evidence)} 个证明材料文件"
            f"（{report.bytes} 字节；保留 {days} 天，{report.cutoff:%Y-%m-%d %H:%M} 之前使用完毕的）。"
        )
