from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SmsSend

NO_RETRY = _(
    "Failed text messages cannot be sent again from here: each carried a "
    "one-time code, kept only sealed in its delivery task and expired within "
    "minutes. The customer asks for a new code; the provider's code and "
    "message below say why a send failed."
)


@admin.register(SmsSend)
class SmsSendAdmin(admin.ModelAdmin):
    """Read-only: a row is the record of what the provider was asked and said."""

    list_display = (
        "created_at", "phone_masked", "purpose", "status", "attempts",
        "provider_code", "provider_message", "biz_id",
    )  # fmt: skip
    list_filter = ("status", "purpose", "provider_code")
    search_fields = ("phone_masked", "biz_id", "request_id")
    readonly_fields = [field.name for field in SmsSend._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the trace of a send, for the provider's support

    def changelist_view(self, request, extra_context=None):
        extra_context = {"subtitle": NO_RETRY, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"subtitle": NO_RETRY, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)
