"""A code goes to the phone and nowhere else: not to a log, a table or Redis.

The whole journey runs on real processes (gunicorn, a Celery worker, this
run's Redis as cache and broker, PostgreSQL) with the file backend standing
in for the phone; then everything they left behind is searched.
"""

import base64
import json
import re
from http import HTTPStatus

import pytest
import redis
from django.apps import apps
from django.conf import settings

from .conftest import MASKED, NATIONAL, OTHER_PHONE, PHONE

pytestmark = pytest.mark.services

NO_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_contents() -> list[bytes]:
    """Every key and value in this run's Redis db, the broker's queues
    included, with each Celery message's body decoded."""
    client = redis.Redis.from_url(settings.CACHES["security"]["LOCATION"])
    readers = {
        b"string": lambda key: [client.get(key)],
        b"list": lambda key: client.lrange(key, 0, -1),
        b"hash": lambda key: [
            part for pair in client.hgetall(key).items() for part in pair
        ],
        b"set": lambda key: list(client.smembers(key)),
        b"zset": lambda key: client.zrange(key, 0, -1),
    }
    blobs = []
    for key in client.scan_iter():
        values = readers.get(client.type(key), lambda key: [])(key)
        blobs += [key, *values]
        for value in values:
            blobs += message_bodies(value)
    return blobs


def message_bodies(value) -> list[bytes]:
    """The decoded bodies of the kombu messages in ``value``, if any."""
    try:
        document = json.loads(value)
    except (TypeError, ValueError):
        return []
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            encoding = (node.get("properties") or {}).get("body_encoding")
            if encoding == "base64" and isinstance(node.get("body"), str):
                found.append(base64.b64decode(node["body"]))
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(document)
    return found


def database_contents() -> list[str]:
    """Every field of every row of every table of the test database."""
    values = []
    for model in apps.get_models(include_auto_created=True):
        fields = model._meta.concrete_fields
        for row in model._base_manager.all():
            values += [str(field.value_from_object(row)) for field in fields]
    return values


def occurs(code: str, text: str) -> bool:
    """Whether ``code`` appears as a number of its own (not inside a longer
    one, such as a timestamp's digits) in ``text``."""
    return re.search(rf"(?<![0-9]){code}(?![0-9])", text) is not None


def test_a_code_reaches_the_sms_outbox_and_nothing_else(sms_stack, captchas, caplog):
    def send_body(phone: str) -> dict:
        key, answer = captchas.solved()
        body = {"phone": phone, "purpose": "login"}
        return {**body, "captcha_key": key, "captcha_answer": answer}

    web = sms_stack.web()
    client = web.session()
    sent = client.post(f"{web.url}/api/v1/sms/send", json=send_body(NATIONAL))
    assert sent.status_code == HTTPStatus.OK, sent.text
    # No worker yet: the task waits in the broker, and is looked at there.
    while_queued = redis_contents()
    bodies = [body for blob in while_queued for body in message_bodies(blob)]
    assert any(b"gAAAAA" in body for body in bodies)  # the task's sealed argument

    sms_stack.worker()
    [message] = sms_stack.outbox()
    code = message["code"]
    assert message["phone"] == PHONE

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post(
        f"{web.url}/api/v1/sms/login", json={"phone": NATIONAL, "code": wrong}
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    signed_in = client.post(
        f"{web.url}/api/v1/sms/login", json={"phone": NATIONAL, "code": code}
    )
    assert signed_in.status_code == HTTPStatus.OK, signed_in.text

    broker_down = sms_stack.web("web-no-broker", CELERY_BROKER_URL=NO_BROKER)
    unavailable = broker_down.session().post(
        f"{broker_down.url}/api/v1/sms/send", json=send_body(OTHER_PHONE)
    )
    assert unavailable.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert unavailable.json() == {
        "code": HTTPStatus.SERVICE_UNAVAILABLE,
        "message": unavailable.json()["message"],
        "data": {"reason": "sms_unavailable", "retry_after": 30},
    }
    assert unavailable.headers["Retry-After"] == "30"

    sms_stack.stop()  # every line written
    logs = sms_stack.logs() + caplog.text
    assert "deliver_sms" in logs and "Broker unreachable" in logs
    rows = database_contents()
    assert MASKED in rows  # the scan saw the SmsSend rows
    assert PHONE in rows  # and the user's row
    stored = [blob.decode(errors="replace") for blob in redis_contents()]

    assert occurs(code, sms_stack.outbox_path.read_text())
    assert not occurs(code, logs)
    assert not [value for value in rows if occurs(code, value)]
    for blob in while_queued:
        assert not occurs(code, blob.decode(errors="replace"))
    assert not [blob for blob in stored if occurs(code, blob)]
    for phone in (NATIONAL, OTHER_PHONE.removeprefix("+86")):
        assert phone not in logs
