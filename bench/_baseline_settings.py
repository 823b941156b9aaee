"""Settings of Haima's gunicorn in `make bench`: the site's own
(config.settings.local, configured by the environment), plus figure 5's
baseline view (bench/_baseline_urls.py). Needs bench/ on PYTHONPATH."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "_baseline_urls"
