"""Figure 3: password sign-ins per second, at equal hash parameters.

Haima's ``POST /api/v1/login`` (its sign-in policy on) against allauth's
login form (its rate limits off): the right password, from a new visitor (a
CSRF cookie, no session), and each time another user who holds no session
(Haima looks at all of a user's live sessions at each sign-in, so one user
signing in thousands of times would measure that instead). Both hash with
Argon2id at the parameters of Haima's hasher, which the peer gets through
its settings; the hashes stored for the bench's users are compared.
"""

from _sites import FORM, JSON
from _wrk import Load, Requests, Unmeasured, alternate

from . import Row, throughput_row

TITLE = "password sign-ins, equal hash"
PEER = "django-allauth's login, rate limits off"


def measure(bench) -> Row:
    if bench.haima_hash_parameters != bench.peer_hash_parameters:
        raise Unmeasured(
            f"unequal hashes: Haima {bench.haima_hash_parameters}, "
            f"peer {bench.peer_hash_parameters}"
        )

    def haima_login(number: int) -> bytes:
        login = f"{bench.login_prefix}{number}"
        return bench.haima.raw(
            "POST", "/api/v1/login", bench.haima.csrf_headers(JSON),
            bench.haima.login_body(login, bench.password),
        )  # fmt: skip

    def peer_login(number: int) -> bytes:
        login = f"{bench.login_prefix}{number}"
        return bench.peer.raw(
            "POST", "/accounts/login/", bench.peer.csrf_headers(FORM),
            bench.peer.login_body(login, bench.password, bench.peer.csrf),
        )  # fmt: skip

    pool = bench.logins
    haima = Load(
        "Haima", bench.haima.url, Requests(series=haima_login, length=pool),
        rate_guess=100,
    )  # fmt: skip
    # allauth answers a sign-in with a redirect, a wrong password with 200.
    peer = Load(
        "peer", bench.peer.url, Requests(series=peer_login, length=pool),
        expect=302, rate_guess=100,
    )  # fmt: skip
    alternate(haima, peer, seconds=6)
    row = throughput_row(
        TITLE,
        PEER,
        haima,
        peer,
        goal=1.2,
        unit="/s",
    )
    row.figure = f"{TITLE} ({_readable(bench.haima_hash_parameters)})"
    row.notes.append(
        f"stored hashes: Haima {bench.haima_hash_parameters}, "
        f"peer {bench.peer_hash_parameters}"
    )
    return row


def _readable(stored: str) -> str:
    """``argon2$argon2id$v=19$m=19456,t=2,p=1`` -> ``argon2id m=19456,t=2,p=1``."""
    _, variant, _, parameters = stored.split("$")
    return f"{variant} {parameters}"
