"""The audit trail in the admin: searchable, filterable, never editable."""

from django.contrib import admin

from .models import AccountEvent


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (rows go only by age)."""

    list_display = ("created_at", "kind", "user", "subject", "code", "ip")
    list_filter = ("kind", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("subject", "code", "ip", "user__username")
    list_select_related = ("user",)
    readonly_fields = [field.name for field in AccountEvent._meta.fields]
    show_full_result_count = False  # a count of a large table costs a scan

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
