"""Record when an account was activated.

Accounts active today are taken as activated when they joined: the nearest
fact there is, and what keeps an old activation link from reviving them
once staff deactivate them. Inactive accounts stay "waiting for activation".
"""

from django.db import migrations, models
from django.db.models import F


def active_accounts_activated_when_they_joined(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = User.objects.using(schema_editor.connection.alias)
    users.filter(is_active=True).update(activated_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_one_spelling"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="activated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="activated at"
            ),
        ),
        migrations.RunPython(
            active_accounts_activated_when_they_joined, migrations.RunPython.noop
        ),
    ]
