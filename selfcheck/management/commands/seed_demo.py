import time

from django.core.management.base import BaseCommand, CommandError

from selfcheck.demo import reset_demo, seed_demo
from selfcheck.models import Campaign


class Command(BaseCommand):
    help = "Load a demo school: colleges, students, accounts and one open campaign (slug 'demo')."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=2000, help="number of students (default 2000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same data")
        parser.add_argument("--password", default="demo12345", help="password of every demo account")
        parser.add_argument("--reset", action="store_true", help="delete existing demo data first")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when data is already loaded")

    def handle(self, *args, students, seed, password, reset, if_empty, **options):
        if students < 1:
            raise CommandError("--students must be at least 1")
        if if_empty and Campaign.objects.filter(slug="demo").exists():
            self.stdout.write("Demo data already loaded; accounts use the password given when it was loaded.")
            return
        if reset:
            reset_demo()
        started = time.perf_counter()
        try:
            result = seed_demo(
                students=students, seed=seed, password=password,
                progress=lambda message: self.stderr.write(message) if options["verbosity"] > 1 else None,
            )  # fmt: skip
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {result.students} students in {result.colleges} colleges in {elapsed:.1f} s.")
        )
        self.stdout.write(f"Demo accounts (password: {result.password}):")
        for username, label in result.accounts:
            self.stdout.write(f"  {username:<12} {label}")
        self.stdout.write("  every student signs in with their 学号, e.g. the first few:")
        from selfcheck.models import Student

        for student_no, name in Student.objects.order_by("student_no").values_list("student_no", "name")[:3]:
            self.stdout.write(f"  {student_no:<12} {name}")
