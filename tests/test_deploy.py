"""Production defaults: what a deployment gets when it sets only the three required variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args, tmp_path, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "selfcheck.example.edu.cn",
        "SELFCHECK_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_passes_with_no_other_variable_set(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_is_one_documented_switch_and_the_check_then_says_so(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, SELFCHECK_HTTPS="0")
    assert result.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert code in result.stderr + result.stdout


SHOW = """
import json
from django.conf import settings as s
print(json.dumps({
    "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "browser_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "student_idle": s.STUDENT_SESSION_IDLE_MINUTES,
    "staff_idle": s.STAFF_SESSION_IDLE_MINUTES,
    "conn_max_age": s.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": s.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "formatter": s.LOGGING["handlers"]["console"]["formatter"],
    "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"],
}))
"""


def settings_of(tmp_path, **extra):
    result = run(["shell", "-c", SHOW], tmp_path, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults(tmp_path):
    values = settings_of(tmp_path)
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ssl_redirect"] and values["hsts"] >= 31536000
    assert values["session_secure"] and values["csrf_secure"]
    assert values["browser_close"] and values["student_idle"] == 30 and values["staff_idle"] == 60
    assert values["conn_max_age"] == 60 and values["health_checks"]
    assert values["formatter"] == "json"
    assert values["csp"] == ["'self'"]


def test_staff_idle_minutes_come_from_the_environment(tmp_path):
    assert settings_of(tmp_path, STAFF_SESSION_IDLE_MINUTES="240")["staff_idle"] == 240


def test_production_log_lines_are_json(tmp_path):
    code = "import logging; logging.getLogger('selfcheck.test').warning('学号 %s done', 'x', extra={'rows': 3})"
    result = run(["shell", "-c", code], tmp_path)
    line = [entry for entry in result.stderr.splitlines() if "selfcheck.test" in entry][-1]
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["message"] == "学号 x done" and entry["rows"] == 3
