"""Emailed links follow the port the service runs on (CONTRACT §1)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_SITE_URL = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.SITE_URL)"
)


def environment(**values) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="true", **values)
    return env


def site_url(**values) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SITE_URL],
        cwd=BASE_DIR,
        env=environment(**values),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_without_site_url_links_follow_port():
    assert site_url(PORT="8123") == "http://127.0.0.1:8123"


def test_without_port_links_go_to_8000():
    assert site_url() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins():
    assert site_url(PORT="8123", SITE_URL="https://shop.example.cn/") == (
        "https://shop.example.cn"
    )


def test_make_run_hands_its_port_to_the_settings(tmp_path):
    """``make run PORT=8123`` runs manage.py with PORT=8123 in its environment."""
    stamp = tmp_path / "stamp"
    stamp.touch()  # newer than requirements.lock: nothing to install
    fake_python = f"{sys.executable} -c '{PRINT_SITE_URL}'"
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "run", "PORT=8123",
         f"STAMP={stamp}", f"PY={fake_python}"],
        cwd=BASE_DIR,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )  # fmt: skip
    lines = result.stdout.split()
    assert lines == ["http://127.0.0.1:8123"] * 3, result.stdout + result.stderr
