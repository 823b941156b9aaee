from functools import cache

from django.contrib.auth.backends import ModelBackend

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
        costs the ORM more than PostgreSQL takes to answer it, so the
        statement is compiled by the ORM once and then run as a raw query:
        the same SQL, the same model instance.
        """
        user = next(iter(User._default_manager.raw(_user_by_pk_sql(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def _user_by_pk_sql() -> str:
    """The SELECT of ``User.objects.filter(pk=…)``, its one parameter left open."""
    query = User._default_manager.filter(pk=0).query
    sql, _params = query.get_compiler(User._default_manager.db).as_sql()
    return sql
