"""The sign-out of every door (page, API, admin) in the audit trail.

Django's ``logout()`` is the one call they share; it announces itself.
"""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from haima.audit.services import Kind, event_record


@receiver(user_logged_out, dispatch_uid="haima.accounts.logout_audited")
def logout_audited(sender, request, user, **kwargs) -> None:
    if user is not None:
        event_record(Kind.LOGOUT, user=user)
