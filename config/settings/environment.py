"""What every settings module starts from: the environment and the data dir.

CONTRACT.md §1 lists the variables. With none set, the service runs embedded:
SQLite and Django's database cache in ``DATA_DIR``, tasks in-process, mail on
the console. Each service URL switches its part to the real engine
(config/settings/services.py).
"""

import os
import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APP_DIR = BASE_DIR / "haima"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Set by config.settings.test: the test runner may use CAPTCHA_TEST_MODE.
TESTING = False

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var"))).resolve()


def _development_secret_key(data_dir: Path) -> str:
    """Return the key kept in ``data_dir``, creating it once (race-safe)."""
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


# Required when DEBUG is false: haima.core.startup stops the process without it.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _development_secret_key(DATA_DIR)
