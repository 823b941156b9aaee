from datetime import timedelta

from django.core.management.base import BaseCommand

from haima.mail.services import emails_resend_pending


class Command(BaseCommand):
    help = (
        "Send queued emails that are still pending. Beat does this every "
        "5 minutes; without a broker (the embedded default) run it by hand."
    )

    def handle(self, *args, **options):
        sent = emails_resend_pending(idle_for=timedelta(0))
        self.stdout.write(f"{sent} email(s) sent")
