"""个人信息下载: everything the service keeps about one account, as one
JSON document (the right of access and portability, PIPL arts. 45).

The same document goes to the page (as a file) and to the API (in the
envelope). What is left out, and why:

- the password hash (a secret, and of no use to its owner);
- email bodies: they hold one-time links (activation, reset, email change)
  that must not travel again; the kind, address, subject, status and times
  are there;
- session keys: the sessions are listed by start, IP and user agent;
- SMS codes (never kept). SMS records are not linked to an account and keep
  only a masked number: they are matched by the mask of the account's phone,
  so they may include messages to another number with the same mask. The
  document says so.

Nothing is recorded in the audit trail: none of its kinds names an export,
and a wrong kind would falsify its counts (see the report of issue 12).
"""

from datetime import datetime

from django.utils import timezone

from haima.accounts.models import User
from haima.audit.masking import mask_phone
from haima.audit.models import AccountEvent
from haima.audit.services import Kind, event_record
from haima.core.sessions.listing import user_sessions
from haima.mail.models import OutboundEmail
from haima.sms.models import SmsSend

FORMAT = "haima-personal-data/1"
ACCOUNT_FIELDS = (
    "id",
    "username",
    "email",
    "phone",
    "first_name",
    "last_name",
    "is_active",
    "date_joined",
    "last_login",
    "activated_at",
    "username_changed_at",
    "locked_at",
    "deletion_requested_at",
)
SMS_MATCHING = (
    "SMS records are not linked to accounts and keep only a masked number; "
    "these are the records whose masked number equals the mask of this "
    "account's phone, so they may include messages to another number with "
    "the same mask."
)
SMS_MATCHING_ZH = (
    "短信发送记录不与账户关联，只保存掩码后的号码；这里列出的是掩码与本账户"
    "手机号码的掩码相同的记录，因此可能包含发往掩码相同的其他号码的短信。"
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    account = {}
    for name in ACCOUNT_FIELDS:
        value = getattr(user, name)
        account[name] = _time(value) if isinstance(value, datetime) else value
    return account


def _events(user: User) -> list[dict]:
    return [
        {
            "kind": event.kind,
            "time": _time(event.created_at),
            "code": event.code,
            "subject": event.subject,
            "ip": event.ip,
            "user_agent": event.user_agent,
            "detail": event.detail,
        }
        for event in AccountEvent.objects.filter(user=user).order_by("created_at", "id")
    ]


def _sessions(user: User) -> list[dict]:
    return [
        {
            "started_at": _time(session.started_at),
            "last_seen_at": _time(session.last_seen_at),
            "ip": session.ip,
            "user_agent": session.user_agent,
            "remembered": session.remembered,
        }
        for session in user_sessions(user=user)
    ]


def _emails(user: User) -> list[dict]:
    return [
        {
            "kind": email.kind,
            "to": email.to,
            "subject": email.subject,
            "status": email.status,
            "attempts": email.attempts,
            "created_at": _time(email.created_at),
            "last_attempt_at": _time(email.last_attempt_at),
            "sent_at": _time(email.sent_at),
        }
        for email in OutboundEmail.objects.filter(user=user).order_by("created_at")
    ]


def _sms(user: User) -> dict:
    masked = mask_phone(user.phone) if user.phone else ""
    records = (
        SmsSend.objects.filter(phone_masked=masked).order_by("created_at")
        if masked
        else SmsSend.objects.none()
    )
    return {
        "matched_by": "masked_phone",
        "phone_masked": masked or None,
        "note": SMS_MATCHING,
        "note_zh": SMS_MATCHING_ZH,
        "records": [
            {
                "phone_masked": record.phone_masked,
                "purpose": record.purpose,
                "status": record.status,
                "created_at": _time(record.created_at),
                "sent_at": _time(record.sent_at),
            }
            for record in records
        ],
    }


def personal_data_export(*, user: User, now: datetime | None = None) -> dict:
    """The personal-data document of ``user`` (JSON-ready: str, int, bool,
    None, lists and dicts). The caller has re-authenticated; the download
    is itself in the audit trail."""
    event_record(Kind.DATA_EXPORTED, user=user)
    return {
        "format": FORMAT,
        "generated_at": _time(now or timezone.now()),
        "account": _account(user),
        "events": _events(user),
        "sessions": _sessions(user),
        "emails": _emails(user),
        "sms": _sms(user),
    }


def personal_data_filename(*, now: datetime | None = None) -> str:
    """``haima-personal-data-2026-11-25.json``: the date, in the shop's zone."""
    day = timezone.localdate(now or timezone.now())
    return f"haima-personal-data-{day.isoformat()}.json"
