"""Keep django-simple-captcha's table out of PostgreSQL's write-ahead log.

A captcha is a five-minute throwaway: losing the live ones in a crash costs
each visitor a refresh. Written to the WAL, every issued captcha waited for a
disk flush at commit, which was most of the time of ``GET /api/v1/captcha``
(1.4 ms of it, against 0.5 ms unlogged, measured here). An unlogged table is
emptied after a crash and is not copied to streaming replicas; nothing else
changes. Other databases (SQLite, embedded) have no such thing: no-op there.
"""

from django.db import migrations

TABLE = "captcha_captchastore"


def _on_postgresql(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("captcha", "0002_alter_captchastore_id")]

    operations = [
        migrations.RunPython(
            _on_postgresql(f"ALTER TABLE {TABLE} SET UNLOGGED"),
            _on_postgresql(f"ALTER TABLE {TABLE} SET LOGGED"),
        )
    ]
