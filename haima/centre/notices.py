"""Security notices: an email to the account's address when something that
guards it changes, through the durable outbox, in the active language.

Kinds: a sign-in from a device not seen before (``new_device``), the
password changed (by change or reset), the phone changed, the email changed
(to the *old* address, with a "this was not me" link: see
haima.centre.services.email).

A device is the browser family and the operating system read from the user
agent ("Chrome on Windows"), versions left out, so that a browser's update is
not a new device. The devices an account has signed in from are remembered
in the ``security`` cache (one small dict per user, the most recent
MAX_DEVICES, kept for DEVICE_MEMORY seconds after their last sign-in): no
table, and losing it costs at most one needless notice. An account with no
remembered device learns its first one in silence, so that neither the first
sign-in after registration nor the first after this feature went live sends
a notice. The read-modify-write is not atomic: two sign-ins at the same
instant from two new devices may each send a notice, never none.
"""

import re
import time

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haima.accounts.models import User
from haima.core.context import RequestContext, current_request_context
from haima.mail.services import email_queue

CACHE_ALIAS = "security"
MAX_DEVICES = 20
DEVICE_MEMORY = 400 * 24 * 3600  # seconds: a device unused for a year+ is new again

NEW_DEVICE = "new_device"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a kind, not a secret)
PHONE_CHANGED = "phone_changed"
EMAIL_CHANGED = "email_changed"

# kind: (subject, what happened) for the one security_notice template.
TEXTS = {
    NEW_DEVICE: (
        _("New sign-in to your Haima Fresh account"),
        _("Your account was signed in to from a device we had not seen before."),
    ),
    PASSWORD_CHANGED: (
        _("Your Haima Fresh password was changed"),
        _("The password of your account was changed."),
    ),
    PHONE_CHANGED: (
        _("The phone number of your Haima Fresh account was changed"),
        _("A new mobile number was bound to your account."),
    ),
}

_BROWSERS = [
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("WeChat", r"MicroMessenger"),
    ("Firefox", r"Firefox/|FxiOS"),
    ("Chrome", r"Chrome/|CriOS"),
    ("Safari", r"Safari/"),
]
_SYSTEMS = [
    ("iOS", r"iPhone|iPad|iPod"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux"),
]


def _first(table, user_agent: str) -> str:
    return next((name for name, pattern in table if re.search(pattern, user_agent)), "")


def device_label(user_agent: str) -> str:
    """``"Chrome on Windows"``-like name of a user agent's device; for an
    unknown one, the agent itself without version numbers."""
    browser, system = _first(_BROWSERS, user_agent), _first(_SYSTEMS, user_agent)
    if browser or system:
        return " / ".join(part for part in (browser, system) if part)
    return re.sub(r"[\d._]+", "", user_agent).strip()[:80] or "?"


def _devices_key(user_id) -> str:
    return f"centre:devices:{user_id}"


def signin_device_note(*, user: User, context: RequestContext) -> bool:
    """Remember the device of a sign-in; notify when it is new to a user who
    has signed in from others before. Return whether a notice was queued."""
    cache = caches[CACHE_ALIAS]
    label = device_label(context.user_agent)
    devices = dict(cache.get(_devices_key(user.pk)) or {})
    new = bool(devices) and label not in devices
    devices[label] = time.time()
    recent = sorted(devices.items(), key=lambda item: item[1])[-MAX_DEVICES:]
    cache.set(_devices_key(user.pk), dict(recent), timeout=DEVICE_MEMORY)
    if new:
        security_notice_queue(user=user, kind=NEW_DEVICE, context=context)
    return new


def security_notice_queue(
    *,
    user: User,
    kind: str,
    context: RequestContext | None = None,
    **facts,
) -> None:
    """Queue the notice of ``kind`` to ``user``'s address, if there is one.

    ``context``: the client that did it (default: the current request's),
    shown as time, IP and device. ``email_changed`` needs ``old_email`` and
    ``new_email`` and goes to the old address.
    """
    context = context or current_request_context()
    details = {
        "user": user,
        "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
        "at": timezone.localtime(),
        "ip": context.ip if context else "",
        "device": device_label(context.user_agent) if context else "",
    }
    if kind == EMAIL_CHANGED:
        from .services.email import email_changed_notice_queue

        email_changed_notice_queue(
            user=user,
            old_email=facts["old_email"],
            new_email=facts["new_email"],
            details=details,
        )
        return
    if not user.email:
        return
    subject, what = TEXTS[kind]
    email_queue(
        to=user.email,
        user=user,
        template="security_notice",
        context={**details, "kind": kind, "subject": subject, "what": what},
    )
