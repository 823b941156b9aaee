from django.contrib import admin

from .models import SmsSend


@admin.register(SmsSend)
class SmsSendAdmin(admin.ModelAdmin):
    """Read-only: a row is the record of what the provider was asked and said."""

    list_display = (
        "created_at", "phone_masked", "purpose", "status", "attempts",
        "provider_code", "biz_id",
    )  # fmt: skip
    list_filter = ("status", "purpose", "provider_code")
    search_fields = ("phone_masked", "biz_id", "request_id")
    readonly_fields = [field.name for field in SmsSend._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
