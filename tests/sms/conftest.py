"""A local Dysmsapi for the aliyun SMS backend to talk to."""

import pytest

from .dysmsapi_server import DysmsapiServer

ACCESS_KEY_ID = "haima-test-access-key-id"
ACCESS_KEY_SECRET = "haima-test-secret-9f8e7d6c5b4a"
SIGN_NAME = "海马生鲜"
TEMPLATE_CODE = "SMS_000001"


@pytest.fixture
def dysmsapi(settings, monkeypatch):
    """A running DysmsapiServer, and the aliyun backend's settings aimed at it."""
    # The SDK takes a proxy from the environment and ignores NO_PROXY.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = DysmsapiServer(ACCESS_KEY_ID, ACCESS_KEY_SECRET)
    server.start()
    settings.ALIYUN_SMS_ENDPOINT = server.url
    settings.ALIYUN_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.ALIYUN_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
    settings.ALIYUN_SMS_SIGN_NAME = SIGN_NAME
    settings.ALIYUN_SMS_TEMPLATE_CODE = TEMPLATE_CODE
    yield server
    server.stop()
