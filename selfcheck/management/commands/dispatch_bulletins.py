from django.core.management.base import BaseCommand

from selfcheck.services.bulletins import bulletins_dispatch_due
from selfcheck.tasks.bulletins import queue_generation


class Command(BaseCommand):
    help = "Claim due bulletins and queue their generation (the same dispatch beat runs every minute)."

    def handle(self, *args, **options):
        claimed = bulletins_dispatch_due(queue=queue_generation)
        self.stdout.write(f"claimed {len(claimed)} bulletin(s): {claimed}")
