"""Captcha throughput in one process: images drawn per second, refreshes per second.

Run: ``make bench`` (embedded SQLite) or with DATABASE_URL set for PostgreSQL.
"""

import time

from _django import setup

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from haima.captchas.services import captcha_issue  # noqa: E402

IMAGES = 300
REFRESHES = 1000


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.0f}/s  ({seconds * 1000 / count:.2f} ms each)"


client = Client(HTTP_HOST="127.0.0.1")
keys = [captcha_issue().key for _ in range(IMAGES)]
started = time.perf_counter()
for key in keys:
    response = client.get(f"/captcha/image/{key}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
images = time.perf_counter() - started

started = time.perf_counter()
for _ in range(REFRESHES):
    assert client.get("/api/v1/captcha").status_code == 200
refreshes = time.perf_counter() - started

print(f"database: {connection.vendor}")
print(f"captcha images (GET /captcha/image/<key>/): {rate(IMAGES, images)}")
print(f"refresh API (GET /api/v1/captcha):         {rate(REFRESHES, refreshes)}")
