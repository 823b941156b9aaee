from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_login import AdminLoginForm
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    list_display = ("username", "email", "phone", "is_active", "is_staff")
    search_fields = ("username", "email", "phone")


# The admin signs in through the sign-in policy too (haima.accounts.admin_login).
admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/haima_login.html"
