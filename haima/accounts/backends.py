from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.db import connections

from .models import User
from .selectors import user_by_login


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with username or email, in any case.

    An unknown login still runs the password hasher once, so the answer
    takes as long as for a wrong password. Inactive users with the right
    password are returned, so that the login service can say "not activated"
    only to whoever knows the password; ``login()`` is never called for them
    and ``get_user`` (sessions) still refuses them.

    Call it through haima.accounts.services.login.password_check, which puts
    the sign-in policy in front of it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_by_login(username)
        if user is None:
            User().set_password(password)
            return None
        return user if user.check_password(password) else None

    def get_user(self, user_id):
        """Fetch a session's user with SQL composed once per database.

        Every signed-in request comes through here. Composing ``get(pk=…)``
        costs the ORM more than PostgreSQL takes to answer it, and so does
        mapping a raw query's columns onto the model, so the statement is
        compiled by the ORM once, run on a cursor, and its row (the model's
        columns in order) made into the user as the ORM makes one.
        """
        database = User._default_manager.db
        connection = connections[database]
        sql, converters = _user_by_pk_statement(database)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:  # SQLite's booleans and datetimes; none on PostgreSQL
            row = list(row)
            for position, (functions, expression) in converters.items():
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
        user = User.from_db(database, _COLUMNS, row)
        return user if self.user_can_authenticate(user) else None


# What the statement selects, in order: every concrete field's column.
_COLUMNS = [field.attname for field in User._meta.concrete_fields]


@cache
def _user_by_pk_statement(database: str) -> tuple[str, dict]:
    """The SELECT of ``User.objects.filter(pk=…)``, its one parameter left
    open, and the converters the ORM applies to its columns' values."""
    compiler = User._default_manager.filter(pk=0).query.get_compiler(database)
    sql, _params = compiler.as_sql()
    converters = compiler.get_converters([column for column, *_ in compiler.select])
    return sql, converters
