# The SMS tests' fixtures: codes sent through the API, into memory.
from tests.sms.conftest import request_code, sms_outbox  # noqa: F401
