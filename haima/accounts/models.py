from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import lookups
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from haima.core.text import normalize_email

from .phones import validate_e164_phone


class UserManager(DjangoUserManager):
    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Store an address in its one spelling (haima.core.text.normalize_email).

        Django calls this from ``create_user`` and ``AbstractUser.clean``, so
        the admin's forms and ``createsuperuser`` store that spelling too.
        """
        return normalize_email(email) if email else ""


class User(AbstractUser):
    """A shop customer or staff member.

    Username and email are unique regardless of case, enforced by the
    database so that concurrent sign-ups cannot both win; an email is stored
    in its one spelling (ASCII domain, haima.core.text.normalize_email), so
    that two spellings of one mailbox collide there too. Email and phone are
    optional (SMS sign-up has no email) and stored as NULL when absent.
    """

    email = models.EmailField(_("email address"), blank=True, null=True)  # noqa: DJ001
    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_e164_phone],
        help_text=_("Mainland China mobile number in E.164, e.g. +8613800138000."),
    )
    # Set once, when the account stops waiting for activation: by the emailed
    # link, or by staff deactivating it first. Inactive with it set is
    # "deactivated by staff": no link turns it back on.
    activated_at = models.DateTimeField(
        _("activated at"), null=True, blank=True, editable=False
    )
    # The 账户中心 (haima.centre): a username may change once in 30 days;
    # "this was not me" after an email change locks the account until a
    # password reset; 注销 deactivates at once and erases after a cooling-off
    # period (ACCOUNT_DELETION_DAYS), when ``erased_at`` is set.
    username_changed_at = models.DateTimeField(
        _("username changed at"), null=True, blank=True, editable=False
    )
    locked_at = models.DateTimeField(
        _("locked at"), null=True, blank=True, editable=False
    )
    deletion_requested_at = models.DateTimeField(
        _("cancellation requested at"), null=True, blank=True, editable=False
    )
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with that email already exists."),
            ),
        ]

    def clean(self):
        # AbstractUser.clean normalises the email: its refusal is the email's.
        try:
            super().clean()
        except ValidationError as error:
            raise ValidationError({"email": error.error_list}) from None

    def save(self, *args, **kwargs):
        # Django's forms and managers give "" for a blank email; NULLs never
        # collide in the unique constraints, "" would.
        self.email = self.email or None
        self.phone = self.phone or None
        super().save(*args, **kwargs)


class LowerExact(lookups.Exact):
    """``iexact`` on the username and email: LOWER() on both sides.

    That is how their unique constraints compare, so PostgreSQL answers from
    those indexes. Django's own ``iexact`` compares UPPER()s, which no index
    serves: every sign-in and every sign-up check read the whole table.
    """

    lookup_name = "iexact"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)  # not iexact's UPPER() cast
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"LOWER({lhs}) = LOWER({rhs})", (*lhs_params, *rhs_params)


for _field in ("username", "email"):
    User._meta.get_field(_field).register_lookup(LowerExact)
