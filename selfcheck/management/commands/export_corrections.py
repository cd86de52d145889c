"""The CHSI record-change list of one campaign as xlsx (registrar data: full ID numbers, audited)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from selfcheck.models import Campaign, CorrectionRequest
from selfcheck.services import correction_exports


class Command(BaseCommand):
    help = "Write the approved and/or applied corrections of a campaign as the CHSI record-change list (xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug, e.g. demo")
        parser.add_argument("--state", choices=["approved", "applied"], help="only this state (default: both)")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, slug, state=None, out, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"no campaign with slug {slug!r}")
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("--out must name an .xlsx file")
        if not path.parent.is_dir():
            raise CommandError(f"folder {path.parent} does not exist")
        states = (state,) if state else correction_exports.EXPORT_STATES
        # The command acts for the registrar office, which sees every request.
        content, rows = correction_exports.corrections_export(
            CorrectionRequest.objects.filter(campaign=campaign), campaign=campaign, states=states, by=None
        )
        path.write_bytes(content)
        self.stdout.write(f"{rows} changed fields written to {path}")
