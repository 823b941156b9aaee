"""The 账户中心's overview, its re-authentication page and the username change."""

import posixpath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from haima.accounts.pages import bound_form, errors_show
from haima.accounts.phones import mask_phone
from haima.captchas.fields import CaptchaWidget
from haima.captchas.services import FIELD as CAPTCHA_FIELD
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError
from haima.sms.models import SmsSend
from haima.sms.services import sms_code_send

from .forms import ReauthCodeForm, ReauthPasswordForm, UsernameChangeForm
from .reauth import reauth_by_password, reauth_by_sms, reauth_fresh
from .services.profile import (
    USERNAME_CHANGE_DAYS,
    profile_read,
    username_change,
    username_changed_message,
    username_too_soon_message,
)

# The reauth page's buttons (name="action").
PASSWORD, SEND, VERIFY = "password", "send", "verify"


@never_cache
@login_required
@require_GET
def overview(request):
    return render(
        request,
        "centre/overview.html",
        {"profile": profile_read(user=request.user)},
    )


def _centre_next(request) -> str:
    """Where to go after confirming: a path inside the 账户中心, else its overview.

    Only this site's account centre: the page proves who is at the screen
    for the centre's own changes, and a ``next`` elsewhere would make it a
    redirector.
    """
    home = reverse("centre:overview")
    target = request.POST.get("next") or request.GET.get("next") or ""
    parts = urlsplit(target)
    inside = (
        not parts.scheme
        and not parts.netloc
        and "\\" not in target
        and (posixpath.normpath(parts.path) + "/").startswith(home)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=False
        )
    )
    return target if inside else home


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reauth_page(request):
    """Confirm it is you: the password, or a code texted to the bound phone.

    Works as plain forms without JavaScript (one per way; the code form's
    获取验证码 posts ``action=send``); haima/js/sms.js sends by fetch
    instead. Wrong passwords count at the sign-in policy's PASSWORD_CONFIRM
    door, codes at its SMS_CODE door (haima.centre.reauth).
    """
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    password_form = ReauthPasswordForm(request.POST if action == PASSWORD else None)
    code_form = ReauthCodeForm(
        request.POST if action in (SEND, VERIFY) else None,
        initial={"phone": user.phone or ""},
    )
    cooldown, captcha_errors = 0, []
    context = RequestContext.from_request(request)
    try:
        if action == PASSWORD and password_form.is_valid():
            reauth_by_password(
                request=request,
                user=user,
                password=password_form.cleaned_data["password"],
            )
            return redirect(_centre_next(request))
        if action == SEND and user.phone and code_form.is_valid():
            cooldown = sms_code_send(
                phone=user.phone,
                purpose=SmsSend.Purpose.LOGIN,
                context=context,
                captcha_key=request.POST.get("captcha_0", ""),
                captcha_answer=request.POST.get("captcha_1", ""),
            )
            # "A code is on its way to …" names the number masked.
            code_form.cleaned_data["phone"] = mask_phone(user.phone)
        elif action == VERIFY and user.phone and code_form.is_valid():
            if not code_form.cleaned_data["code"]:
                code_form.add_error("code", _("Enter the code we texted you."))
            else:
                reauth_by_sms(
                    request=request, user=user, code=code_form.cleaned_data["code"]
                )
                return redirect(_centre_next(request))
    except ApplicationError as error:
        # The captcha is no field of the form: its errors go by its widget.
        captcha_errors = (getattr(error, "errors", None) or {}).get(CAPTCHA_FIELD, [])
        if not captcha_errors:
            errors_show(password_form if action == PASSWORD else code_form, error)
    widget = CaptchaWidget()
    phone = mask_phone(user.phone) if user.phone else ""
    return render(
        request,
        "centre/reauth.html",
        {
            "next": _centre_next(request),
            "has_password": user.has_usable_password(),
            "password_form": password_form,
            "form": code_form,
            "phone": phone,
            "purpose": SmsSend.Purpose.LOGIN,
            "cooldown": cooldown,
            "captcha_errors": captcha_errors,
            "code_minutes": max(1, settings.SMS_CODE_TTL // 60),
            "reauth_minutes": max(1, settings.REAUTH_MAX_AGE // 60),
            "captcha": widget.render("captcha", None, attrs={"id": "id_captcha"}),
            "captcha_media": widget.media,
            "confirmed": reauth_fresh(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def username_page(request):
    """Change the username (once in 30 days); no re-authentication."""
    user = request.user
    form = bound_form(UsernameChangeForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            username_change(
                user=user,
                username=form.cleaned_data["username"],
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            errors_show(form, error)
        else:
            messages.success(request, username_changed_message(user))
            return redirect("centre:overview")
    profile = profile_read(user=user)
    next_at = profile.username_next_change_at
    return render(
        request,
        "centre/username.html",
        {
            "form": form,
            "profile": profile,
            "too_soon": username_too_soon_message(next_at) if next_at else "",
            "change_days": USERNAME_CHANGE_DAYS,
        },
    )
