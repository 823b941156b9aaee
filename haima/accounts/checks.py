"""System checks on accounts that a rule made after the fact leaves behind.

They run with ``manage.py check`` (and every ``migrate``), count in each
database asked for (``--database``; the default one otherwise) and say
nothing when it cannot answer yet (no table before the first migrate, or no
server): a check must not stop the command that would repair that.
"""

from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError

NOT_PRINTABLE_ASCII = r"[^ -~]"


def _counted(databases, lookup: dict, message: str, hint: str, check_id: str) -> list:
    from .models import User

    warnings = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        try:
            count = User.objects.using(alias).filter(**lookup).count()
        except DatabaseError:
            continue
        if count:
            warnings.append(
                Warning(
                    message % {"count": count, "alias": alias},
                    hint=hint,
                    obj="accounts.User",
                    id=check_id,
                )
            )
    return warnings


@register(Tags.database)
def usernames_with_at_sign(app_configs=None, databases=None, **kwargs):
    """Count the usernames made before usernames could not contain "@"."""
    return _counted(
        databases,
        {"username__contains": "@"},
        "%(count)d account(s) in database '%(alias)s' have a username containing '@'.",
        "They still sign in, but a login containing '@' is looked up as an "
        "email address first: where such a username is also another account's "
        "address, typing it reaches that other account. New usernames cannot "
        "contain '@' (haima.accounts.usernames); rename these in the admin "
        "when you can.",
        "haima.accounts.W001",
    )


@register(Tags.database)
def emails_not_in_one_spelling(app_configs=None, databases=None, **kwargs):
    """Count the addresses the migration to one spelling had to leave alone."""
    return _counted(
        databases,
        {"email__regex": NOT_PRINTABLE_ASCII},
        "%(count)d account(s) in database '%(alias)s' have an email address "
        "that is not in printable ASCII.",
        "Addresses are stored and compared with an ASCII domain "
        "(haima.core.text.normalize_email), so these cannot sign in by email, "
        "reset their password or get a new activation link. Each holds an "
        "invisible character, or its ASCII spelling is another account's "
        "address; correct them in the admin.",
        "haima.accounts.W002",
    )
