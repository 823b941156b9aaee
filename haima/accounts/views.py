"""Account pages: thin views over the services, errors shown on the forms.

Every page here is ``never_cache``: they hold CSRF tokens, names and, after
a failed sign-up, the passwords typed (NewPasswordForm), none of which may
stay in a shared or back-button cache.
"""

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.captchas.fields import CaptchaWidget
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError, RateLimited, ValidationFailed
from haima.core.ratelimit import rate_for

from .emails import duration_text
from .forms import (
    EmailForm,
    LoginForm,
    RegistrationForm,
)
from .pages import bound_form, email_form_page, errors_show, safe_next
from .remember import remember_username, remembered_username
from .services.activation import (
    RESEND_SENT,
    ActivationFailed,
    AlreadyActivated,
    activation_resend,
    activation_user,
    user_activate,
)
from .services.login import AccountInactive, user_login
from .services.registration import registration_attempt_count, user_register
from .signin_policy import (
    PASSWORD_SIGNIN,
    SigninLocked,
    login_subject,
    signin_captcha_needed,
)


def _registration_allowed(request, form) -> bool:
    """Count a posted sign-up; past the limit, say so on the form, checking nothing."""
    if request.method != "POST":
        return False
    try:
        registration_attempt_count(context=RequestContext.from_request(request))
    except RateLimited as refused:
        form.refuse(refused.message)
        return False
    return True


# The session keeps, for the next page only, what a flow hands on:
REGISTERED = "haima.registered"  # {"email", "sent_at"}: the mail-sent page's
LOGIN_PREFILL = "haima.login_prefill"  # the name to fill in after activating


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    form = bound_form(RegistrationForm, request)
    if _registration_allowed(request, form) and form.is_valid():
        data = form.cleaned_data
        try:
            user_register(
                username=data["username"],
                email=data["email"],
                password=data["password"],
            )
        except ValidationFailed as error:
            errors_show(form, error)
        else:
            request.session[REGISTERED] = {
                "email": data["email"],
                "sent_at": time.time(),
            }
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def register_sent_page(request):
    """The 请查收激活邮件 page: to which address, valid how long; resend each minute.

    The address is the one this browser just registered (the session's): the
    page tells nobody else anything. The countdown is the server's: a resend
    before it ends is refused, by the page and by the service's own limit
    (``activation_resend_cooldown``).
    """
    registered = request.session.get(REGISTERED)
    if not registered:
        return redirect("accounts:register")
    cooldown = rate_for("activation_resend_cooldown").period
    wait = math.ceil(registered["sent_at"] + cooldown - time.time())
    if request.method == "POST" and wait <= 0:
        try:
            activation_resend(
                email=registered["email"],
                context=RequestContext.from_request(request),
            )
        except RateLimited as refused:
            messages.error(request, refused.message)
        else:
            request.session[REGISTERED] = {**registered, "sent_at": time.time()}
            messages.success(request, _("We sent a new activation link."))
    if request.method == "POST":
        return redirect("accounts:register_sent")
    return render(
        request,
        "accounts/register_sent.html",
        {
            "email": registered["email"],
            "valid_for": duration_text(settings.ACTIVATION_MAX_AGE),
            "wait": max(wait, 0),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, token: str):
    """GET shows the account and a button; only the POST spends the link.

    Mail scanners fetch links in emails: a GET alone must never activate.
    Once active, the sign-in page follows with the username filled in, also
    for a link clicked again later.
    """
    try:
        if request.method == "POST":
            account = user_activate(token=token)
            messages.success(request, _("Your account is active. Please sign in."))
            return _to_login_as(request, account)
        account = activation_user(token=token)
    except AlreadyActivated as already:
        messages.info(request, already.message)
        return _to_login_as(request, already.user)
    except ActivationFailed as failure:
        return render(
            request,
            "accounts/activate.html",
            {"failure": failure, "resend_form": EmailForm()},
            status=400,
        )
    return render(request, "accounts/activate.html", {"account": account})


def _to_login_as(request, account):
    request.session[LOGIN_PREFILL] = account.get_username()
    return redirect(settings.LOGIN_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def activation_resend_page(request):
    return email_form_page(
        request,
        action=activation_resend,
        done_message=RESEND_SENT,
        heading=_("Resend the activation email"),
        button=_("Send a new link"),
    )


def _add_error_with_link(form, error: ApplicationError, url_name: str, text) -> None:
    link = format_html('<a href="{}">{}</a>', reverse(url_name), text)
    form.add_error(None, format_html("{} {}", error.message, link))


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request):
    remembered = remembered_username(request)
    known = request.session.pop(LOGIN_PREFILL, None) or remembered
    form = bound_form(
        LoginForm, request, initial={"login": known, "remember": bool(remembered)}
    )
    if known:  # the name is there: straight to the password
        form.fields["password"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_login(
                request=request,
                login_name=data["login"],
                password=data["password"],
                remember=data["remember"],
                captcha_key=request.POST.get("captcha_0", ""),
                captcha_answer=request.POST.get("captcha_1", ""),
            )
        except AccountInactive as error:
            if error.deactivated:  # no link would help
                errors_show(form, error)
            else:
                _add_error_with_link(
                    form, error, "accounts:activation_resend", _("Resend it")
                )
        except SigninLocked as error:
            _add_error_with_link(
                form, error, "accounts:password_reset", _("Forgot your password?")
            )
        except ApplicationError as error:
            errors_show(form, error)
        else:
            response = redirect(safe_next(request))
            remember_username(response, data["login"] if data["remember"] else None)
            return response
    login_name = form.data.get("login", "") if form.is_bound else known
    captcha = signin_captcha_needed(
        door=PASSWORD_SIGNIN,
        subject=login_subject(login_name),
        context=RequestContext.from_request(request),
    )
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "captcha": (
                CaptchaWidget().render("captcha", None, attrs={"id": "id_captcha"})
                if captcha
                else None
            ),
            "captcha_media": CaptchaWidget().media,
            "next": safe_next(request),
        },
    )


class SignOutView(LogoutView):
    """Django's log-out (POST only), then a short 已退出 note on the next page.

    The note is stored after the session is flushed, so it travels in the
    messages cookie and shows once.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response
