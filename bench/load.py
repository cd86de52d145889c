"""The deadline rush under load: locust (headless) against gunicorn on 127.0.0.1.

    DATABASE_URL=postgres://root@127.0.0.1:5432/selfcheck_load \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1 \\
    python -m bench.load [--seconds 30] [--users 32] [--workers 2] [--seed 20000]

The database named by DATABASE_URL must hold the demo school (``seed_demo --students
20000``; ``--seed N`` loads it when the database is empty). The script starts gunicorn
with production settings (DEBUG off, HTTPS enforcement off because it is plain HTTP on
127.0.0.1), then runs two phases of ``--seconds`` each with ``--users`` concurrent
connections:

1. baseline: ``/healthz/ping``, a Django view that touches nothing;
2. rush: students sign in (each virtual student once, then again after a sign-out),
   open their home page and confirm their record, while staff open the registrar
   dashboard, a college page and the secretary home.

It prints requests/s per page, the rush's throughput as a share of the baseline
(goal ≥ 40 %), the error count (goal 0) and p50/p95 latency, then stops gunicorn.
It is a benchmark, not a test: nothing asserts on time.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402  (installed with locust)
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo12345"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GOAL = 0.40


def server_env(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SELFCHECK_HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SELFCHECK_VAR_DIR=var_dir,
        LOG_LEVEL="WARNING",
        # Every virtual user comes from 127.0.0.1; the throttles are not what is measured.
        AXES_FAILURE_LIMIT="100000",
    )
    return env


def manage(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def demo_people(env) -> tuple[list[str], list[str], str, str]:
    code = (
        "import json; from selfcheck.models import Student, User, College; "
        "print(json.dumps([list(Student.objects.filter(user__isnull=False).order_by('?')"
        ".values_list('student_no', flat=True)[:5000]), "
        "list(User.objects.filter(role='secretary').values_list('username', flat=True)), "
        "College.objects.order_by('code').values_list('code', flat=True).first()]))"
    )
    import json

    students, secretaries, college = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    return students, secretaries, college, "demo"


def start_gunicorn(env, port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "registrar.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--backlog", "2048", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/ping", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def csrf_of(response) -> str:
    match = CSRF.search(response.text or "")
    if not match:
        raise RuntimeError(f"no CSRF token in {response.url}")
    return match.group(1)


READY = {"users": 0}


def rush_users(students: list[str], secretaries: list[str], college: str, slug: str, *, visits: int | None):
    """Students (7 in 8) and staff (1 in 8). With ``visits``, a student signs out after
    that many home visits and the next student of the queue signs in on the connection."""
    numbers = itertools.cycle(students)
    staff_numbers = itertools.count()

    class Student(FastHttpUser):
        weight = 7
        wait_time = constant(0)

        def on_start(self):
            self.sign_in()
            READY["users"] += 1

        def sign_in(self):
            page = self.client.get("/student/login/", name="student sign-in page")
            response = self.client.post(
                "/student/login/",
                data={"username": next(numbers), "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page)},
                name="student sign-in",
                allow_redirects=False,
            )
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
            self.visits = 0
            self.token = None  # the CSRF token changes at sign-in

        @task(6)
        def home(self):
            with self.client.get("/me/", name="student home", catch_response=True) as response:
                if "action-confirm" not in (response.text or "") and "check-status-badge" not in (response.text or ""):
                    response.failure("not the student home")
                else:
                    self.token = csrf_of(response)
            self.visits += 1

        @task(1)
        def confirm(self):
            if not getattr(self, "token", None):
                return
            self.client.post(
                f"/me/{slug}/confirm/",
                data={"csrfmiddlewaretoken": self.token},
                name="student confirm",
                allow_redirects=False,
            )

        @task(1)
        def next_student(self):
            """Sign out and let the next student of the queue sign in on this connection."""
            if visits is None or self.visits < visits:
                return
            self.client.post("/logout/", data={"csrfmiddlewaretoken": self.token}, name="sign out",
                             allow_redirects=False)  # fmt: skip
            self.client.cookiejar.clear()
            self.sign_in()

    class Staff(FastHttpUser):
        weight = 1
        wait_time = constant(0)

        def on_start(self):
            # A fixed mix, so runs compare: every third staff member is the registrar.
            n = next(staff_numbers)
            self.username = "registrar" if n % 3 == 0 else secretaries[n % len(secretaries)]
            page = self.client.get("/login/", name="staff sign-in page")
            with self.client.post(
                "/login/",
                data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page)},
                name="staff sign-in",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in answered {response.status_code}")
            READY["users"] += 1

        def page(self, url: str, name: str) -> None:
            # Not signed in, a dashboard would answer with the sign-in page: count that as an error.
            with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")

        @task
        def dashboard(self):
            if self.username == "registrar":
                self.page(f"/campaigns/{slug}/", "registrar dashboard")
                self.page(f"/campaigns/{slug}/colleges/{college}/", "college page")
            else:
                self.page("/secretary/", "secretary home")

    return [Student, Staff]


def cpu_seconds(processes) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def server_processes(server: subprocess.Popen) -> list:
    master = psutil.Process(server.pid)
    return [master, *master.children(recursive=True)]


def run_phase(host: str, user_classes, users: int, seconds: int, server: subprocess.Popen):
    env = Environment(user_classes=user_classes, host=host, events=events)
    runner = env.create_local_runner()
    READY["users"] = 0
    runner.start(users, spawn_rate=users)
    # Warm-up, not measured: every user connected (and signed in, in the rush).
    waited = 0.0
    while waited < 120 and READY["users"] < users and user_classes[0].__name__ != "Ping":
        gevent.sleep(0.5)
        waited += 0.5
    gevent.sleep(2)
    env.stats.reset_all()
    locust, workers = [psutil.Process()], server_processes(server)
    cpu_before = cpu_seconds(locust), cpu_seconds(workers)
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    cpu = [
        (after - before) / elapsed
        for after, before in zip((cpu_seconds(locust), cpu_seconds(workers)), cpu_before, strict=True)
    ]
    runner.quit()
    env.stats.cpu = cpu
    return env.stats, elapsed


def report(title: str, stats, elapsed: float) -> tuple[float, int, float]:
    """Print a phase and return its requests/s, errors and p95 (ms), read once, now."""
    total = stats.total
    rate = total.num_requests / elapsed
    print(f"\n== {title}: {total.num_requests} requests in {elapsed:.1f} s = {rate:,.0f}/s, "
          f"{total.num_failures} errors, p50 {total.get_response_time_percentile(0.5):.0f} ms, "
          f"p95 {total.get_response_time_percentile(0.95):.0f} ms")  # fmt: skip
    for name, entry in sorted(stats.entries.items(), key=lambda item: -item[1].num_requests):
        print(f"   {name[0]:<24} {entry.num_requests / elapsed:8,.1f}/s  errors {entry.num_failures:<4} "
              f"p50 {entry.get_response_time_percentile(0.5):5.0f} ms  p95 {entry.get_response_time_percentile(0.95):5.0f} ms")  # fmt: skip
    locust_cpu, server_cpu = stats.cpu
    per_request = server_cpu * elapsed / total.num_requests * 1000 if total.num_requests else 0
    print(f"   CPU: locust {locust_cpu:.0%} of one core (one process; near 100 % it limits the figures), "
          f"gunicorn {server_cpu:.0%} = {per_request:.1f} ms per request; {psutil.cpu_count()} cores on the machine")  # fmt: skip
    for error in list(stats.errors.values())[:5]:
        print(f"   error: {error.method} {error.name}: {error.error} x{error.occurrences}")
    return rate, total.num_failures, total.get_response_time_percentile(0.95), per_request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--visits", type=int, default=8, help="home visits per student before the next signs in")
    parser.add_argument("--seed", type=int, default=0, help="load N demo students if the database is empty")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (and CACHE_URL, CELERY_BROKER_URL to Redis)")

    var_dir = tempfile.mkdtemp(prefix="selfcheck-load-")
    env = server_env(var_dir)
    manage(env, "migrate", "--noinput")
    if args.seed:
        manage(env, "seed_demo", "--if-empty", "--students", str(args.seed))
    manage(env, "collectstatic", "--noinput")
    students, secretaries, college, slug = demo_people(env)
    server = start_gunicorn(env, args.port, args.workers)
    host = f"http://127.0.0.1:{args.port}"
    try:

        class Ping(FastHttpUser):
            wait_time = constant(0)

            @task
            def ping(self):
                self.client.get("/healthz/ping", name="trivial view")

        base_stats, base_elapsed = run_phase(host, [Ping], args.users, args.seconds, server)
        baseline, base_errors, _, base_cpu = report("baseline: trivial Django view", base_stats, base_elapsed)
        people = (students, secretaries, college, slug)
        rush_stats, rush_elapsed = run_phase(host, rush_users(*people, visits=None), args.users, args.seconds, server)
        rush = report("deadline rush, signed in: student home and confirm; staff dashboards", rush_stats, rush_elapsed)
        mixed_stats, mixed_elapsed = run_phase(
            host, rush_users(*people, visits=args.visits), args.users, args.seconds, server
        )
        mixed = report(
            f"deadline rush with sign-ins: a new student signs in after every {args.visits} home visits",
            mixed_stats,
            mixed_elapsed,
        )
        errors = base_errors + rush[1] + mixed[1]
        print("\n== summary")
        for title, (rate, _errors, p95, cpu) in (("signed in", rush), ("with sign-ins", mixed)):
            print(f"   rush {title:<14} {rate:7,.0f}/s = {rate / baseline if baseline else 0:6.1%} of the trivial view "
                  f"({baseline:,.0f}/s; goal >= {GOAL:.0%}), p95 {p95:.0f} ms")  # fmt: skip
            print(f"   {'':<19} server CPU {cpu:.1f} ms per request = {base_cpu / cpu if cpu else 0:6.1%} of the "
                  f"trivial view's {base_cpu:.1f} ms (the share a saturated server would reach)")  # fmt: skip
        print(f"   errors: {errors} (goal 0)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
