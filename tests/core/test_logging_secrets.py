"""The JSON logs of every flow with a secret in it hold none of the secrets.

The flows run through the API with tasks in-process, mail through the real
SMTP server and SMS into memory, while the root logger is configured as in
production (LOG_FORMAT=json); what the handler printed is then read back.
"""

import io
import json
import logging
from logging.config import dictConfig

import pytest
from django.conf import settings

from config.settings.logs import logging_config
from tests.audit.test_events import NEW_PASSWORD, log_in, token_of
from tests.helpers import STRONG_PASSWORD, activation_link, password_reset_link
from tests.sms.conftest import NATIONAL, PHONE
from tests.sms.test_no_secret_leaks import occurs

pytestmark = pytest.mark.django_db(transaction=True)  # tasks run after commit

WRONG_PASSWORD = "typed-" + STRONG_PASSWORD


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def json_log():
    """Log as production does during the test; return what was printed."""
    dictConfig(logging_config(log_format="json", level=settings.LOG_LEVEL))
    [console] = logging.getLogger().handlers
    printed = io.StringIO()
    console.setStream(printed)
    yield printed
    dictConfig(settings.LOGGING)


def test_no_secret_reaches_a_json_log_line(
    api_client, registration, mailbox, in_process, request_code, sms_outbox, json_log
):
    assert api_client.post_json("/api/v1/register", registration()).status_code == 201
    [message] = mailbox.wait_for(1)
    activation_token = token_of(activation_link(text(message)))
    api_client.post_json("/api/v1/activate", {"token": activation_token})
    assert log_in(api_client, password=WRONG_PASSWORD).status_code == 401
    assert log_in(api_client).status_code == 200
    request_code(purpose="login")
    code = sms_outbox[-1].code
    api_client.post_json("/api/v1/sms/login", {"phone": NATIONAL, "code": code})
    api_client.post_json("/api/v1/password/reset", {"email": "ming@example.cn"})
    reset_token = token_of(password_reset_link(text(mailbox.wait_for(2)[-1])))
    confirmed = api_client.post_json(
        "/api/v1/password/reset/confirm",
        {"token": reset_token, "password": NEW_PASSWORD},
    )
    assert confirmed.status_code == 200

    lines = json_log.getvalue().splitlines()
    assert len(lines) >= 3  # e.g. the refused sign-in, the mail sent
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= set(json.loads(line))
    log = "\n".join(lines)
    secrets = [STRONG_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, PHONE, NATIONAL]
    secrets += [activation_token, activation_token.split(":")[0]]
    secrets += [reset_token, reset_token.split(".")[-1]]
    for secret in secrets:
        assert secret not in log, secret
    assert not occurs(code, log)
