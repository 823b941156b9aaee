"""Schemathesis: generated calls to every operation get what the schema says.

The API runs in-process (WSGI), on this run's database and caches. Each
operation gets at most MAX_EXAMPLES generated calls, valid and invalid,
and every answer must be declared: its status, its content type and its
body's shape; none may be a server error.
"""

import itertools

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from haima.captchas.services import captcha_issue
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

# About a minute for the whole API on a 2-core machine.
MAX_EXAMPLES = 40
TURNS = itertools.count()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


# Loaded when collected, as Django is set up by then; fetching the schema
# touches neither database nor cache.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, database="none")


@pytest.fixture(autouse=True)
def customer(transactional_db, settings):
    # A real WSGI handler, unlike the test client, closes the connection
    # around each request: no test transaction can wrap it, hence
    # transactional_db.
    settings.HAIMA_CAPTCHA_TEST_MODE = True
    return user_create()


def solve_captcha(body) -> None:
    """Give a body a live captcha and the test mode's answer, so flows go on."""
    for key, answer in (("captcha_key", "captcha_answer"), ("key", "answer")):
        if key in body:
            body.update({key: captcha_issue().key, answer: "PASSED"})


def session_cookie(user) -> dict[str, str]:
    """A fresh session of ``user``, as its cookie."""
    browser = Client()
    browser.force_login(user)
    return {"sessionid": browser.cookies["sessionid"].value}


@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_declared(case, customer):
    # Django's CSRF check: the header must match the cookie.
    token = get_random_string(32)
    cookies = {"csrftoken": token}
    # Valid calls go further now and then: a solved captcha, the right
    # password, a signed-in session. Invalid ones stay as generated.
    turn = next(TURNS)
    if case.meta.generation.mode == GenerationMode.POSITIVE:
        if isinstance(case.body, dict):
            solve_captcha(case.body)
            if case.operation.path == "/api/v1/login" and turn % 3 == 0:
                case.body.update(login=customer.username, password=STRONG_PASSWORD)
        if turn % 2:
            cookies |= session_cookie(customer)
    response = case.call(headers={"X-CSRFToken": token}, cookies=cookies)
    case.validate_response(response, checks=CHECKS)
