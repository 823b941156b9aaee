"""How what people typed is kept in the audit trail: recognisable, not whole.

A typed login may be a phone, an address, a username, or a password typed
into the wrong box; each is shortened so staff can match it with what a
customer tells them (``138****8000``, ``m***@example.cn``, ``x***g``) while
the trail never holds the whole of it.
"""

import re

PHONE = re.compile(r"\+?(?:86)?(1\d{10})")
MASKED_PHONE = re.compile(r"\d{3}\*{4}\d{4}")  # as SmsSend keeps it


def mask_phone(phone: str) -> str:
    """``+8613800138000`` or ``13800138000`` -> ``138****8000``."""
    match = PHONE.fullmatch(phone.replace(" ", "").replace("-", ""))
    digits = match.group(1) if match else phone
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def mask_email(address: str) -> str:
    """``ming@example.cn`` -> ``m***@example.cn``: the domain stays."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """``xiaoming`` -> ``x***g``; short names keep only their first character."""
    if len(name) <= 3:
        return f"{name[:1]}***"
    return f"{name[:1]}***{name[-1]}"


def mask_typed(text: str) -> str:
    """Mask a typed login by what it looks like."""
    text = text.strip()
    if not text:
        return ""
    if MASKED_PHONE.fullmatch(text):
        return text
    if "@" in text:
        return mask_email(text)
    if PHONE.fullmatch(text.replace(" ", "").replace("-", "")):
        return mask_phone(text)
    return mask_name(text)
