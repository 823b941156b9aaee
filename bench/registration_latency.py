"""Registration latency with an SMTP server that takes 5 s per message.

``POST /api/v1/register`` on gunicorn (2 workers, PostgreSQL, Redis broker)
only queues the email, so its latency does not depend on SMTP. The baseline
is what the tutorial's first version did inside the request: one send_mail
to that server. Prints p50/p95 of ours, the baseline, and their ratio.
"""

import os
import statistics
import time

import requests
from _django import setup
from _services import SlowSmtp, fresh_services, gunicorn, stop

REGISTRATIONS = 40
SMTP_DELAY = 5.0

env = setup(fresh_services("haima_bench_registration"))
from captcha.models import CaptchaStore  # noqa: E402
from django.core.mail import send_mail  # noqa: E402

with SlowSmtp(SMTP_DELAY) as smtp:
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp.port}"
    server, url = gunicorn(env, workers=2, log=os.path.join(env["DATA_DIR"], "web.log"))
    try:
        session = requests.Session()
        token = session.get(f"{url}/api/v1/csrf").json()["data"]["csrf_token"]
        session.headers["X-CSRFToken"] = token
        latencies = []
        for n in range(REGISTRATIONS + 2):
            key = session.get(f"{url}/api/v1/captcha").json()["data"]["key"]
            answer = CaptchaStore.objects.get(hashkey=key).response
            body = {
                "username": f"bench{n}",
                "email": f"bench{n}@example.cn",
                "password": "fresh-Mango-42",
                "password_confirm": "fresh-Mango-42",
                "agree": True,
                "captcha_key": key,
                "captcha_answer": answer,
            }
            started = time.perf_counter()
            response = session.post(f"{url}/api/v1/register", json=body)
            elapsed = time.perf_counter() - started
            assert response.status_code == 201, response.text
            if n >= 2:  # the first requests warm up each worker
                latencies.append(elapsed * 1000)
    finally:
        stop(server)

    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    started = time.perf_counter()
    send_mail("baseline", "in the request", None, ["bench@example.cn"])
    baseline = (time.perf_counter() - started) * 1000

quantiles = statistics.quantiles(latencies, n=20)
p50, p95 = statistics.median(latencies), quantiles[18]
print(f"registrations: {len(latencies)} on gunicorn, 2 workers, PostgreSQL + Redis")
print(f"POST /api/v1/register  p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
print(f"tutorial baseline (send_mail in the request): {baseline:7.1f} ms")
print(f"ratio baseline / p50: {baseline / p50:5.0f}x   (goal: p95 < 100 ms)")
