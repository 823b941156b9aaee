"""The operator's view of accounts: find one, see what happened, act on it.

Actions call the staff services (haima.accounts.services.admin_actions),
which audit themselves; this module only wires them to the admin.
"""

import re

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from haima.audit.models import AccountEvent
from haima.core.context import RequestContext
from haima.core.sessions.listing import user_sessions

from .admin_login import AdminLoginForm
from .models import User
from .phones import normalize_phone
from .services.admin_actions import (
    NotWaitingForActivation,
    SelfDeactivation,
    activation_resend_by_staff,
    lockout_clear,
    user_deactivate,
    user_sessions_end,
)
from .usernames import normalize_username, validate_username

RECENT_EVENTS = 20
PHONE_TERM = re.compile(r"\+?\d{4,}")
PHONE_SEPARATORS = re.compile(r"[\s\-().]")


class UserAddForm(AdminUserCreationForm):
    """A new account made by staff follows the shop's username rule
    (haima.accounts.usernames); names made before the rule stay editable."""

    def clean_username(self):
        username = normalize_username(self.cleaned_data.get("username") or "")
        validate_username(username)
        self.cleaned_data["username"] = username
        return super().clean_username()


def phone_search_term(term: str) -> str:
    """What to look for in the stored E.164 phones, "" if ``term`` is no number.

    ``138 0013 8000``, ``138-0013-8000`` and ``+86 13800138000`` find
    ``+8613800138000``; a part such as ``0013 8000`` finds it as well.
    """
    compact = PHONE_SEPARATORS.sub("", term)
    if not PHONE_TERM.fullmatch(compact):
        return ""
    try:
        return normalize_phone(compact)
    except ValidationError:
        return compact.lstrip("+")


def _when(moment) -> str:
    if moment is None:
        return "—"
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _shortened(text: str, length: int = 60) -> str:
    if not text:
        return "—"
    return format_html(
        '<span title="{}">{}</span>', text, Truncator(text).chars(length)
    )


def _table(headers, rows, empty) -> str:
    if not rows:
        return format_html("<p>{}</p>", empty)
    return format_html(
        '<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        format_html_join("", "<th>{}</th>", ((header,) for header in headers)),
        format_html_join(
            "", "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),)
             for row in rows),
        ),
    )  # fmt: skip


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        *DjangoUserAdmin.fieldsets[2:3],
        (
            _("Important dates"),
            {"fields": ("last_login", "date_joined", "activated_at")},
        ),
    )
    readonly_fields = ("activated_at", "active_sessions", "recent_events")
    list_display = ("username", "email", "phone", "is_active", "is_staff")
    search_fields = ("username", "email", "phone")
    actions = ("resend_activation", "end_sessions", "clear_lockout", "deactivate")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        activity = ["active_sessions"]
        if request.user.has_perm("audit.view_accountevent"):
            activity.append("recent_events")
        return (*fieldsets, (_("Activity"), {"fields": activity}))

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        phone = phone_search_term(search_term)
        if phone:
            results |= queryset.filter(phone__contains=phone)
        return results, duplicates

    @admin.display(description=_("Active sessions"))
    def active_sessions(self, obj):
        rows = [
            (
                format_html("<code>{}</code>", info.digest),
                _when(info.started_at),
                _when(info.last_seen_at),
                gettext("Remembered") if info.remembered else gettext("Browser"),
                info.ip or "—",
                _shortened(info.user_agent),
            )
            for info in user_sessions(user=obj)
        ]
        headers = (
            gettext("Session"), gettext("Signed in at"), gettext("Last active"),
            gettext("Kind"), gettext("IP address"), capfirst(gettext("user agent")),
        )  # fmt: skip
        return _table(headers, rows, gettext("No active session."))

    @admin.display(description=_("Recent events"))
    def recent_events(self, obj):
        events = AccountEvent.objects.filter(user=obj)[:RECENT_EVENTS]
        rows = [
            (
                _when(event.created_at),
                event.get_kind_display(),
                event.code or "—",
                event.subject or "—",
                event.ip or "—",
            )
            for event in events
        ]
        headers = [
            capfirst(AccountEvent._meta.get_field(name).verbose_name)
            for name in ("created_at", "kind", "code", "subject", "ip")
        ]
        link = reverse("admin:audit_accountevent_changelist")
        return format_html(
            '{}<p><a href="{}?user__id__exact={}">{}</a></p>',
            _table(headers, rows, gettext("No events.")),
            link,
            obj.pk,
            gettext("All events of this user"),
        )

    @admin.action(description=_("Resend the activation email"), permissions=["change"])
    def resend_activation(self, request, queryset):
        context, sent, skipped = RequestContext.from_request(request), 0, 0
        for user in queryset:
            try:
                activation_resend_by_staff(
                    user=user, staff=request.user, context=context
                )
                sent += 1
            except NotWaitingForActivation:
                skipped += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "An activation email to %(count)d user is on its way.",
                    "Activation emails to %(count)d users are on their way.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d user is not waiting for activation (active, "
                    "deactivated by staff, or without an email address): "
                    "no email was sent.",
                    "%(count)d users are not waiting for activation (active, "
                    "deactivated by staff, or without an email address): "
                    "no email was sent to them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("End all their sessions"), permissions=["change"])
    def end_sessions(self, request, queryset):
        context = RequestContext.from_request(request)
        ended = sum(
            user_sessions_end(user=user, staff=request.user, context=context)
            for user in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )

    @admin.action(description=_("Clear sign-in lockout"), permissions=["change"])
    def clear_lockout(self, request, queryset):
        context, count = RequestContext.from_request(request), 0
        for user in queryset:
            lockout_clear(user=user, staff=request.user, context=context)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Failed sign-ins of %(count)d user forgiven: the right "
                "password works again.",
                "Failed sign-ins of %(count)d users forgiven: the right "
                "password works again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Deactivate and sign out everywhere"), permissions=["change"]
    )
    def deactivate(self, request, queryset):
        context, count = RequestContext.from_request(request), 0
        for user in queryset:
            try:
                user_deactivate(user=user, staff=request.user, context=context)
                count += 1
            except SelfDeactivation as refused:
                self.message_user(request, str(refused.message), messages.ERROR)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d user deactivated and signed out.",
                    "%(count)d users deactivated and signed out.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )


# The admin signs in through the sign-in policy too (haima.accounts.admin_login).
admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/haima_login.html"
admin.site.site_header = _("Haima Fresh administration")
admin.site.site_title = _("Haima Fresh")
