"""Store every email address in its one spelling (haima.core.text.normalize_email).

Sign-in, activation resend and password reset compare typed addresses in
that spelling (an ASCII domain): an address stored with a Unicode or
full-width domain would no longer be found. An address that cannot be
converted (it holds a refused character) or whose spelling another account
already has (two accounts of one mailbox) is left as it is, for the operator:
the system check haima.accounts.W002 counts what is left.
"""

from django.core.exceptions import ValidationError
from django.db import migrations

import haima.accounts.models
from haima.core.text import normalize_email

NOT_PRINTABLE_ASCII = r"[^ -~]"


def emails_to_one_spelling(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = User.objects.using(schema_editor.connection.alias)
    candidates = users.filter(email__regex=NOT_PRINTABLE_ASCII)
    for pk, email in candidates.values_list("pk", "email").iterator():
        try:
            spelling = normalize_email(email)
        except ValidationError:
            continue
        if users.filter(email__iexact=spelling).exclude(pk=pk).exists():
            continue
        users.filter(pk=pk).update(email=spelling)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", haima.accounts.models.UserManager()),
            ],
        ),
        # Not reversed: the old spellings were of the same mailboxes.
        migrations.RunPython(emails_to_one_spelling, migrations.RunPython.noop),
    ]
