"""Settings of bench/sms_login_throughput.py's gunicorn: the site's own
(config.settings.local, configured by the environment), plus the bench-only
baseline view of bench/_baseline_urls.py. Needs bench/ on PYTHONPATH."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "_baseline_urls"
