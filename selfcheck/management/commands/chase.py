"""The students still to chase in a campaign, per college and class: 姓名 and 学号 only."""

from __future__ import annotations

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from selfcheck.models import Campaign, Check, College
from selfcheck.presenters import chase_message
from selfcheck.selectors.chase import chase_lists


class Command(BaseCommand):
    help = (
        "Print, per college and class, the students of a campaign still pending or unable to log in "
        "(name and student number only): reminders ready to paste into class groups, or one JSON object."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug, e.g. demo")
        parser.add_argument("--college", help="only this college (its code)")
        parser.add_argument("--class", dest="class_name", help="only this class (its name)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, slug, college=None, class_name=None, json: bool = False, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign with slug {slug!r}")
        if college and not College.objects.filter(code=college).exists():
            raise CommandError(f"no college with code {college!r}")
        # The command acts for the registrar office, which sees every check of the campaign.
        colleges = chase_lists(Check.objects.filter(campaign=campaign), college=college, class_name=class_name)
        now = timezone.localtime()
        if json:
            result = {
                "campaign": campaign.slug,
                "name": campaign.name,
                "generated_at": now.isoformat(timespec="seconds"),
                "total": sum(c.count for c in colleges),
                "colleges": [
                    {
                        "code": c.code,
                        "name": c.name,
                        "count": c.count,
                        "classes": [
                            {
                                "class_name": k.class_name,
                                "count": len(k.students),
                                "students": [
                                    {"name": s.name, "student_no": s.student_no, "status": s.status} for s in k.students
                                ],
                            }
                            for k in c.classes
                        ],
                    }
                    for c in colleges
                ],
            }
            self.stdout.write(jsonlib.dumps(result, ensure_ascii=False))
            return
        for c in colleges:
            for klass in c.classes:
                self.stdout.write(chase_message(campaign, c.name, klass, now=now))
                self.stdout.write("")
