"""docker-compose.yml runs only what exists in this project, configured by settings it reads."""

import re
import shlex
from importlib import import_module
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = {name: spec for name, spec in SERVICES.items() if "build" in spec}


def command(spec) -> list[str]:
    value = spec.get("command", [])
    return shlex.split(value) if isinstance(value, str) else list(value)


def settings_read() -> set[str]:
    """Every variable name registrar/ reads through its env helpers or os.environ."""
    names = set()
    for path in (ROOT / "registrar").glob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"([A-Z0-9_]+)"', text))
    return names


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_each_command_exists_in_the_project(name):
    args = command(APP_SERVICES[name])
    assert args, f"{name} has no command"
    program = args[0]
    if program == "python":
        assert args[1] == "manage.py"
        assert args[2] in get_commands(), f"{name}: no manage.py command {args[2]}"
    elif program == "gunicorn":
        module, _, attribute = args[1].partition(":")
        assert callable(getattr(import_module(module), attribute))
    elif program == "celery":
        app = import_module(args[args.index("-A") + 1])
        assert hasattr(app, "celery_app") or hasattr(app, "app")
        assert args[args.index("-A") + 2] in ("worker", "beat")
    else:
        pytest.fail(f"{name}: unknown program {program}")


def test_every_environment_variable_is_one_the_settings_read():
    read = settings_read()
    for name, spec in APP_SERVICES.items():
        unknown = set(spec.get("environment", {})) - read
        assert not unknown, f"{name} sets variables no setting reads: {sorted(unknown)}"


def test_exactly_one_beat_runs():
    beats = [name for name, spec in SERVICES.items() if "beat" in command(spec) or "--beat" in command(spec)]
    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_gunicorn_is_reachable_only_through_the_proxy():
    published = {name for name, spec in SERVICES.items() if spec.get("ports")}
    assert published == {"proxy"}
    assert SERVICES["web"].get("expose") == ["8000"]
    for volume in SERVICES["proxy"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./") and "certs" not in source:
            assert (ROOT / source).is_file(), source
    assert "TRUSTED_PROXY_COUNT" in APP_SERVICES["web"]["environment"]
    assert "proxy_add_x_forwarded_for" in (ROOT / "deploy/selfcheck-proxy.inc").read_text()
