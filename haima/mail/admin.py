"""The outbox in the admin: what waits, how often it was tried, why it failed.

Bodies are not shown: an activation or password-reset email carries a live
link, a capability over the customer's account that staff must not hold.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from haima.accounts.services.admin_actions import email_retry
from haima.core.context import RequestContext

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at", "kind", "to", "subject", "status", "attempts",
        "last_attempt_at", "short_error", "sent_at",
    )  # fmt: skip
    list_filter = ("status", "kind")
    search_fields = ("to", "subject", "user__username")
    list_select_related = ("user",)
    fields = readonly_fields = (
        "kind", "user", "to", "subject", "status", "attempts", "last_error",
        "created_at", "last_attempt_at", "sent_at",
    )  # fmt: skip
    actions = ("retry_now",)

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80] + ("…" if len(obj.last_error) > 80 else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent; "retry now" acts on it

    def has_delete_permission(self, request, obj=None):
        return False  # a pending email is a promise made to a customer

    def has_retry_permission(self, request):
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        context, queued, skipped = RequestContext.from_request(request), 0, 0
        for email in queryset.select_related("user"):
            if email_retry(email=email, staff=request.user, context=context):
                queued += 1
            else:
                skipped += 1
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email is being sent again.",
                    "%(count)d emails are being sent again.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email had been sent already: not sent again.",
                    "%(count)d emails had been sent already: not sent again.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
