"""The site's URLs plus ``POST /bench/redis-work``, figure 5's baseline.

The view is what ``POST /api/v1/sms/login`` is measured against: a plain
Django view (no ninja, no forms, no PostgreSQL, no HMAC) that sends Redis,
through the raw redis-py client behind the ``security`` cache, the commands
one SMS sign-in sends, in as many round trips, on keys of the same kind: the
sign-in policy's reservation of the IP (a Lua script: INCR, EXPIRE NX), the
code's pointer (GET), the reservation of its tries (the same script), its
record (GET, DEL), the release of the IP's reservation (a Lua script:
EXISTS, DECR), the clearing of 7 absent counters (one DEL), and at sign-in
the session's creation (EXISTS, SET NX), the user's session index (HSET and
HLEN in one round trip: haima.core.sessions.index), the user's known devices
(GET, SET: haima.centre.notices) and the session's save (GET, SET). It goes
through the same middleware as the API, CSRF check included.
figures/sms_logins.py counts the commands of both with MONITOR, so a change
on either side shows.

The bench writes the pointers and records beforehand
(``bench:sms:ptr:<phone>`` -> id, ``bench:sms:rec:<id>`` -> 64 hex digits);
a missing one is a 500, so a miscounted run cannot pass for a fast one.
"""

import json
import secrets

from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from django_redis import get_redis_connection

from config.urls import urlpatterns as site_urlpatterns
from haima.core.ratelimit import RELEASE_SCRIPT, RESERVE_SCRIPT

# What the sign-in policy's and the code's counters last (900 s: signin_ip).
WINDOW = 900
CLEARED = 7  # counters cleared at sign-in: 2 subjects x 3 names + the IP's
SESSION_TTL_MS = 14 * 24 * 3600 * 1000
EMPTY_SESSION = b"\x80\x04}\x94."  # pickle.dumps({}): what Session.create() writes
SIGNED_IN_SESSION = b"\x80" * 211  # as long as the pickled signed-in session
# As long as a session index entry and a pickled one-device dict.
INDEX_ENTRY = json.dumps({"at": 0.0, "ip": "127.0.0.1", "ua": "x" * 60})
DEVICES = b"\x80" * 30
DEVICE_MEMORY = 400 * 24 * 3600


def redis_work(request):
    phone = json.loads(request.body)["phone"]
    redis = get_redis_connection("security")
    ip_key = f"bench:rl:ip:{request.META['REMOTE_ADDR']}"
    redis.eval(RESERVE_SCRIPT, 1, ip_key, WINDOW)
    code_id = redis.get(f"bench:sms:ptr:{phone}")
    if code_id is None:
        raise LookupError(f"no baseline pointer for {phone}")
    code_id = code_id.decode()
    tries_key = f"bench:rl:tries:{code_id}"
    redis.eval(RESERVE_SCRIPT, 1, tries_key, settings.SMS_CODE_TTL)
    record_key = f"bench:sms:rec:{code_id}"
    if redis.get(record_key) is None or not redis.delete(record_key):
        raise LookupError(f"no baseline record for {phone}")
    redis.eval(RELEASE_SCRIPT, 1, ip_key)
    redis.delete(*(f"bench:rl:cleared:{code_id}:{i}" for i in range(CLEARED)))
    session = secrets.token_hex(16)
    session_key = f"bench:session:{session}"
    redis.exists(session_key)
    redis.set(session_key, EMPTY_SESSION, nx=True, px=SESSION_TTL_MS)
    index_key = f"bench:sessions:user:{phone}"
    with redis.pipeline(transaction=False) as pipe:
        pipe.hset(index_key, session, INDEX_ENTRY).hlen(index_key)
        pipe.execute()
    devices_key = f"bench:devices:{phone}"
    redis.get(devices_key)
    redis.set(devices_key, DEVICES, ex=DEVICE_MEMORY)
    redis.get(session_key)
    redis.set(session_key, SIGNED_IN_SESSION, px=settings.SESSION_IDLE_TIMEOUT * 1000)
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/redis-work", redis_work), *site_urlpatterns]
