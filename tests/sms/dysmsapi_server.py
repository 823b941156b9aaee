"""A local Dysmsapi (Aliyun SMS, 2017-05-25) that answers SendSms.

It checks requests the way Aliyun does: the ACS3-HMAC-SHA256 signature is
recomputed from the raw request with the server's AccessKey secret, and a
wrong one is refused with HTTP 400 ``SignatureDoesNotMatch``. Accepted
requests are recorded; what the server answers them is scripted per test::

    server = DysmsapiServer("LTAI-test", "secret")
    server.start()
    server.answer_next(Answer.refusal("isv.AMOUNT_NOT_ENOUGH", "账户余额不足"))
    ...  # send through server.url
    server.requests[0].params["PhoneNumbers"]
    server.stop()

With no answer queued, a request gets ``OK``.
"""

import contextlib
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "ACS3-HMAC-SHA256"
# What Aliyun insists on signing, besides any other header the client chose.
REQUIRED_SIGNED = {
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
}
AUTH_FIELDS = {"Credential", "SignedHeaders", "Signature"}
MAX_CLOCK_SKEW = timedelta(minutes=15)
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    # Seconds the server holds the request before answering, as a gateway
    # that hangs: past the client's read timeout, nobody reads the answer.
    delay: float = 0

    @classmethod
    def ok(cls) -> "Answer":
        return cls(200, {"Code": "OK", "Message": "OK", "BizId": new_biz_id()})

    @classmethod
    def refusal(cls, code: str, message: str) -> "Answer":
        """A business error: Aliyun says so with HTTP 200."""
        return cls(200, {"Code": code, "Message": message})

    @classmethod
    def failure(cls, status: int = 503) -> "Answer":
        return cls(status, {"Code": "ServiceUnavailable", "Message": "Please retry"})

    @classmethod
    def throttling(cls) -> "Answer":
        """The gateway's flow control of the AccessKey, not of a phone."""
        message = "Request was denied due to user flow control."
        return cls(400, {"Code": "Throttling.User", "Message": message})

    @classmethod
    def stall(cls, seconds: float) -> "Answer":
        """No answer for ``seconds``; then a timeout, the message not taken."""
        body = {"Code": "ServiceTimeout", "Message": "The request timed out."}
        return cls(504, body, delay=seconds)


@dataclass
class SendSmsCall:
    """One request the server accepted."""

    params: dict[str, str]
    template_param: dict
    headers: dict[str, str]
    answer: Answer = field(repr=False)
    request_id: str = ""


class DysmsapiServer:
    def __init__(self, access_key_id: str, access_key_secret: str):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.requests: list[SendSmsCall] = []
        # (status, Code) of each request refused before it reached SendSms.
        self.rejected: list[tuple[int, str]] = []
        self._answers: deque[Answer] = deque()
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- the test's side ----------------------------------------------------

    def start(self) -> None:
        server = self

        class Handler(DysmsapiHandler):
            dysmsapi = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # what stop() waits, at most
            name="dysmsapi",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = self._thread = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def answer_next(self, *answers: Answer) -> None:
        """Queue answers for the next requests, in order."""
        with self._lock:
            self._answers.extend(answers)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.rejected.clear()
            self._answers.clear()

    # --- the handler's side -------------------------------------------------

    def _next_answer(self) -> Answer:
        with self._lock:
            return self._answers.popleft() if self._answers else Answer.ok()

    def _record(self, call: "SendSmsCall") -> None:
        with self._lock:
            self.requests.append(call)

    def _reject(self, refusal: "Refusal") -> None:
        with self._lock:
            self.rejected.append((refusal.status, refusal.code))

    def _fresh_nonce(self, nonce: str) -> bool:
        with self._lock:
            if nonce in self._nonces:
                return False
            self._nonces.add(nonce)
            return True


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DysmsapiHandler(BaseHTTPRequestHandler):
    dysmsapi: DysmsapiServer  # set on the subclass that start() makes

    def do_POST(self) -> None:
        self.answer()

    do_GET = do_POST

    def log_message(self, format, *args) -> None:
        pass  # the request line holds the phone and the code

    def answer(self) -> None:
        server = self.dysmsapi
        request_id = str(uuid.uuid4()).upper()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            params = self.verify(body)
        except Refusal as refusal:
            server._reject(refusal)
            self.reply(
                refusal.status,
                {"Code": refusal.code, "Message": refusal.message},
                request_id,
            )
            return
        answer = server._next_answer()
        call = SendSmsCall(
            params=params,
            template_param=json.loads(params.get("TemplateParam") or "null"),
            headers={name.lower(): value for name, value in self.headers.items()},
            answer=answer,
            request_id=request_id,
        )
        server._record(call)
        time.sleep(answer.delay)
        with contextlib.suppress(ConnectionError):  # the client gave up waiting
            self.reply(answer.status, answer.body, request_id)

    def reply(self, status: int, body: dict, request_id: str) -> None:
        data = json.dumps({**body, "RequestId": request_id}, ensure_ascii=False)
        data = data.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def verify(self, body: bytes) -> dict[str, str]:
        """The request's parameters, once it is proven to come from the key."""
        url = urlsplit(self.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        form = []
        if self.headers.get_content_type() == "application/x-www-form-urlencoded":
            form = parse_qsl(body.decode(), keep_blank_values=True)

        algorithm, _, fields = (self.headers.get("Authorization") or "").partition(" ")
        auth = dict(
            item.strip().partition("=")[::2] for item in fields.split(",") if item
        )
        if algorithm != ALGORITHM or not auth.keys() >= AUTH_FIELDS:
            raise Refusal(400, "InvalidAuthorization", "Authorization is malformed.")
        if auth["Credential"] != self.dysmsapi.access_key_id:
            raise Refusal(
                404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
            )
        signed = auth["SignedHeaders"].split(";")
        if missing := REQUIRED_SIGNED - set(signed):
            raise Refusal(
                400, "MissingSignedHeaders", f"Not signed: {', '.join(sorted(missing))}"
            )
        payload_hash = hashlib.sha256(body).hexdigest()
        if self.headers["x-acs-content-sha256"] != payload_hash:
            raise Refusal(
                400, "ContentSHA256NotMatch", "x-acs-content-sha256 is not the body's."
            )

        headers = {name: self.headers.get_all(name, []) for name in signed}
        expected = acs3_signature(
            self.dysmsapi.access_key_secret,
            self.command,
            url.path,
            query,
            headers,
            payload_hash,
        )
        if not hmac.compare_digest(expected, auth["Signature"]):
            raise Refusal(
                400,
                "SignatureDoesNotMatch",
                "Specified signature does not match our calculation.",
            )

        try:
            date = datetime.strptime(self.headers["x-acs-date"] or "", DATE_FORMAT)
        except ValueError:
            raise Refusal(400, "InvalidTimeStamp.Format", "Bad x-acs-date.") from None
        if abs(datetime.now(UTC) - date.replace(tzinfo=UTC)) > MAX_CLOCK_SKEW:
            raise Refusal(400, "InvalidTimeStamp.Expired", "x-acs-date is stale.")
        if not self.dysmsapi._fresh_nonce(self.headers["x-acs-signature-nonce"]):
            raise Refusal(400, "SignatureNonceUsed", "The nonce has been used.")
        if self.headers["x-acs-action"] != "SendSms":
            raise Refusal(404, "InvalidAction.NotFound", "Only SendSms is served.")
        if self.headers["x-acs-version"] != "2017-05-25":
            raise Refusal(400, "InvalidVersion", "Only 2017-05-25 is served.")

        params = dict(query + form)
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                raise Refusal(400, f"Missing{name}", f"{name} is mandatory.")
        return params


def acs3_signature(
    secret: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: dict[str, list[str]],
    payload_hash: str,
) -> str:
    """ACS3-HMAC-SHA256 over decoded query pairs and the signed headers' values.

    ``headers`` holds the signed headers, lower-case, in SignedHeaders order.
    """
    canonical_query = "&".join(
        f"{quote(key, safe='~')}={quote(value, safe='~')}"
        for key, value in sorted(query)
    )
    canonical_headers = "".join(
        f"{name}:{','.join(sorted(value.strip() for value in values))}\n"
        for name, values in headers.items()
    )
    canonical_request = "\n".join(
        [
            method,
            path or "/",
            canonical_query,
            canonical_headers,
            ";".join(headers),
            payload_hash,
        ]
    )
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return hmac.new(
        secret.encode(), f"{ALGORITHM}\n{digest}".encode(), hashlib.sha256
    ).hexdigest()


def new_biz_id() -> str:
    return f"{uuid.uuid4().int % 10**18}^0"
