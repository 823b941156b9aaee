"""The bench's users, who can sign in: allauth wants their addresses verified.

USER, and COUNT more named PREFIX0, PREFIX1, ... (each signs in once in the
login figure), all with PASSWORD, hashed once: a few thousand hashes would
take minutes. Prints the stored hash's parameters.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("prefix")
        parser.add_argument("count", type=int)
        parser.add_argument("password")

    def handle(self, *, user, prefix, count, password, **options):
        encoded = make_password(password)
        names = [user, *(f"{prefix}{n}" for n in range(count))]
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=name, email=f"{name}@example.cn", password=encoded
            )
            for name in names
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
        )
        # argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash: all but salt and hash.
        self.stdout.write("$".join(encoded.split("$")[:4]))
