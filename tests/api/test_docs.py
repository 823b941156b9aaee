"""The browsable docs' "Try it out" passes the API's CSRF check."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from playwright.sync_api import expect


def test_docs_page_carries_the_token_for_ninjas_init_script(settings):
    settings.API_DOCS = True
    client = Client(enforce_csrf_checks=True)
    page = client.get("/api/v1/docs")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    # Where ninja's static/ninja/swagger-ui-init.js reads it: no inline script.
    assert 'data-api-csrf="true"' in html
    token = re.search(r'data-csrf-token="([^"]+)"', html).group(1)
    assert "/static/ninja/swagger-ui-init.js" in html

    # The call Swagger UI then makes: the page's token in X-CSRFToken.
    path = "/api/v1/captcha/check"
    body = {"key": "string", "answer": "string"}
    answer = client.post(path, body, "application/json", HTTP_X_CSRFTOKEN=token)
    assert answer.status_code != HTTPStatus.FORBIDDEN, answer.content
    assert answer.json()["code"] == answer.status_code
    # Without it, still refused: CSRF is as strict as before.
    refused = client.post(path, body, "application/json")
    assert refused.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db(transaction=True)
def test_try_it_out_posts_pass_csrf(page, live_server, settings, screenshot):
    settings.API_DOCS = True
    page.goto(f"{live_server.url}/api/v1/docs")
    operation = page.locator(".opblock-post", has_text="/api/v1/captcha/check")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text(re.compile(r"\d{3}"))
    screenshot("executed")
    assert status.inner_text().strip() != "403", status.inner_text()
    body = operation.locator(".live-responses-table .response-col_description pre")
    expect(body.first).to_contain_text('"code"')
    assert "CSRF" not in body.first.inner_text()
