"""Start Django for a benchmark: on given services, else embedded."""

import os
import sys
import tempfile
from pathlib import Path


def setup(services: dict[str, str] | None = None) -> dict[str, str]:
    """Set up Django here and migrate; return the environment that child
    processes (gunicorn) need to share this database and Redis."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    env = {
        **(services or {}),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30,
        "DATA_DIR": tempfile.mkdtemp(prefix="haima-bench-"),
        "LOG_LEVEL": "WARNING",
        # One client makes all the requests: measure speed, not the limit.
        "RATE_CAPTCHA_IP": "1000000/m",
        "RATE_REGISTER_IP": "1000000/h",
    }
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return env
