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
