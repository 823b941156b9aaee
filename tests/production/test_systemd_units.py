"""deploy/systemd: the units start what exists, as the README says.

Their commands are read back and checked against the code, so that renaming
a module, a setting or a file breaks this test rather than a deployment.
"""

import importlib
import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

from tests.processes import BASE_DIR

pytestmark = pytest.mark.django_db  # the embedded caches are a table

SYSTEMD = BASE_DIR / "deploy" / "systemd"
INSTALLED = "/opt/haima"  # where the units expect the code
VENV_BIN = Path(sys.executable).parent
UNITS = ("haima-web.service", "haima-worker.service", "haima-beat.service")


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """Each section's keys, with every value a repeated key was given."""
    sections: dict[str, dict[str, list[str]]] = {}
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            section.setdefault(key, []).append(value)
    return sections


def service(name: str) -> dict[str, list[str]]:
    return unit(name)["Service"]


def environment(name: str) -> dict[str, str]:
    return dict(value.split("=", 1) for value in service(name)["Environment"])


def command(name: str) -> list[str]:
    """ExecStart's arguments, the program as found in this virtualenv."""
    [line] = service(name)["ExecStart"]
    program, *arguments = shlex.split(line)
    assert program.startswith(f"{INSTALLED}/.venv/bin/")
    found = VENV_BIN / Path(program).name
    assert found.exists(), program
    return [str(found), *arguments]


def module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@pytest.mark.parametrize("name", UNITS)
def test_each_runs_the_production_settings_unprivileged(name):
    settings_module = environment(name)["DJANGO_SETTINGS_MODULE"]
    assert settings_module == "config.settings.production"
    assert module_exists(settings_module)
    config = service(name)
    assert config["User"] != ["root"] and config["User"]
    assert config["WorkingDirectory"] == [INSTALLED]
    assert config["EnvironmentFile"] == ["/etc/haima/haima.env"]
    assert config["Restart"] == ["on-failure"]
    assert config["NoNewPrivileges"] == ["yes"]
    assert config["ProtectSystem"] == ["strict"]


def test_web_runs_gunicorn_on_the_wsgi_module_with_its_config_file():
    program, application, *options = command("haima-web.service")
    assert Path(program).name == "gunicorn"
    assert module_exists(application) and application == "config.wsgi"
    config_file = options[options.index("-c") + 1]
    assert (BASE_DIR / config_file).is_file()
    # The metrics' directory is one systemd makes anew at each start.
    [runtime] = service("haima-web.service")["RuntimeDirectory"]
    metrics = environment("haima-web.service")["PROMETHEUS_MULTIPROC_DIR"]
    assert metrics.removeprefix("/run/") in runtime.split()


@pytest.mark.parametrize(
    ("name", "subcommand"),
    [("haima-worker.service", "worker"), ("haima-beat.service", "beat")],
)
def test_worker_and_beat_run_celery_on_the_projects_app(name, subcommand):
    program, *arguments = command(name)
    assert Path(program).name == "celery"
    app = importlib.import_module(arguments[arguments.index("-A") + 1])
    assert isinstance(app.celery_app, Celery)
    assert subcommand in arguments
    help_text = subprocess.run(
        [program, *arguments, "--help"], cwd=BASE_DIR, capture_output=True, text=True
    )
    assert help_text.returncode == 0, help_text.stderr


def test_the_env_example_names_only_settings_that_are_read():
    read = [
        *(BASE_DIR / "config" / "settings").glob("*.py"),
        BASE_DIR / "gunicorn.conf.py",
    ]
    sources = " ".join(path.read_text() for path in read)
    lines = (SYSTEMD / "haima.env.example").read_text().splitlines()
    settings = dict(
        re.match(r"#?([A-Z_]+)=(.*)", line).groups()
        for line in lines
        if re.match(r"#?[A-Z_]+=", line)
    )
    assert len(settings) > 15
    for name in settings:
        assert f'"{name}"' in sources, name
    for name in ("SECRET_KEY", "ALIYUN_ACCESS_KEY_SECRET"):
        assert settings[name] == "change-me"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd here")
def test_systemd_finds_nothing_wrong(tmp_path):
    for name in UNITS:
        text = (SYSTEMD / name).read_text().replace(INSTALLED, str(BASE_DIR))
        (tmp_path / name).write_text(text)
    verified = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
    )
    assert (verified.returncode, verified.stderr) == (0, "")
