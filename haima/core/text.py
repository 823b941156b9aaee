"""Rules for text typed by people: nothing invisible, one spelling per address.

Every text field of every form refuses control characters (Unicode category
Cc: NUL, ESC, newlines, the C1 controls such as CSI), format characters (Cf:
zero-width spaces and joiners, bidi overrides, the byte order mark), lone
surrogates (Cs, which a JSON ``\\ud800`` can carry and no database can
store) and the line and paragraph separators (Zl, Zp). Such characters do
not show where people read a value: a name or address that contains them
looks like another one, and printed to a terminal or a log they can repaint
the screen or start a forged line. ``VisibleTextForm`` applies the rule to
every field of a form except passwords.

Passwords are exempt, apart from NUL (refused by Django's CharField): they
are hashed, never shown nor logged, and ASVS 2.1.4 asks to allow any
printable Unicode, emoji included, and an emoji sequence such as 👩‍💻 holds a
zero-width joiner (Cf). Refusing more could also lock out a password set
before the rule.

``normalize_email`` is the one spelling of an address that is stored and
compared. Log lines escape the same characters (haima.core.logs).
"""

import unicodedata

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
INVISIBLE_CHARACTERS = _(
    "Remove the invisible or control characters (such as zero-width spaces "
    "or line breaks) from this field."
)
LOG_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def has_invisible_characters(text: str) -> bool:
    # isprintable() is false for every refused category (and for some that
    # are allowed, such as the ideographic space): a fast test for most text.
    return not text.isprintable() and any(_is_invisible(char) for char in text)


def validate_visible_text(value: str) -> None:
    """Raise ValidationError if ``value`` holds an invisible or control character."""
    if isinstance(value, str) and has_invisible_characters(value):
        raise ValidationError(INVISIBLE_CHARACTERS, code="invisible_characters")


def escape_invisible(text: str, *, keep: str = "") -> str:
    """Write each invisible or control character as its Python escape.

    ``"\\x1b[31m"`` becomes the text ``\\x1b[31m``, a newline ``\\n``; the
    characters in ``keep`` stay as they are.
    """
    if text.isprintable():
        return text
    return "".join(
        _escape(char) if char not in keep and _is_invisible(char) else char
        for char in text
    )


def _escape(char: str) -> str:
    if char in LOG_ESCAPES:
        return LOG_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def normalize_email(address: str) -> str:
    """Return the address as it is stored and compared, or raise ValidationError.

    Two spellings of one mailbox must not make two accounts, so:

    - invisible and control characters are refused (a zero-width joiner in
      the domain is dropped by IDNA on the way to the mail server, and
      control characters are accepted by RFC 5322 in a quoted local part);
    - the whole address is NFKC-normalised (full-width ``ｅｘａｍｐｌｅ`` is
      ``example``);
    - the domain is lower-cased and, if it is not ASCII, converted by IDNA
      2008 with the UTS #46 mapping to its ASCII form, the A-label
      (``例子.中国`` becomes ``xn--fsqu00a.xn--fiqs8s``).

    The A-label is what is stored, not the Unicode form (U-label): it is the
    one name DNS and SMTP use for the domain, whereas a U-label has several
    spellings (case, width, composition) that reach the same mailbox; it is
    ASCII, so the database's case-insensitive unique constraint holds on
    SQLite too, whose LOWER() folds only ASCII; and what the 254-character
    limit is counted on is what is stored. The local part keeps its case
    (RFC 5321 lets the mailbox decide; uniqueness ignores case anyway).

    Text with no "@" is returned normalised but otherwise as it is, for the
    caller's email validator to refuse.
    """
    validate_visible_text(address)
    address = unicodedata.normalize("NFKC", address).strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return address
    if domain.isascii():
        return f"{local}@{domain.lower()}"
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise ValidationError(EmailValidator.message, code="invalid") from None
    return f"{local}@{domain}"


class VisibleTextForm:
    """Form mixin: every field but the passwords refuses invisible characters.

    The rule is checked on what was typed, before the field's own cleaning,
    so a refused captcha answer is not spent and a refused address never
    reaches a normaliser. Password fields (a PasswordInput widget) are
    exempt: see this module's docstring.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.PasswordInput):
                field.clean = _visible_first(field.clean)


def _visible_first(clean):
    def clean_visible(value):
        values = value if isinstance(value, list | tuple) else [value]
        for part in values:
            validate_visible_text(part)
        return clean(value)

    return clean_visible
