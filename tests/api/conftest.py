import pytest
from django.test import Client


@pytest.fixture
def api_client():
    """A client that checks CSRF like a browser, and sends the token it got."""
    return ApiClient()


class ApiClient(Client):
    def __init__(self):
        super().__init__(enforce_csrf_checks=True, raise_request_exception=False)

    def csrf_token(self) -> str:
        return self.get("/api/v1/csrf").json()["data"]["csrf_token"]

    def post_json(self, path: str, data=None, **extra):
        extra.setdefault("HTTP_X_CSRFTOKEN", self.csrf_token())
        return self.post(path, data or {}, content_type="application/json", **extra)
