# The SMS tests' fixtures: codes sent through the service or the API.
from tests.sms.conftest import request_code, sent_code, sms_outbox  # noqa: F401
