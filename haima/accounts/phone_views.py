"""Pages that use an SMS code: sign-in by phone, and binding a phone
(changing a bound one asks for re-authentication; removing it:
haima.centre.phone_views).

Both work as plain forms without JavaScript (one form, two buttons:
获取验证码 sends, the other verifies); haima/js/sms.js turns sending into a
fetch with a 60 s countdown that survives a reload.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.captchas.fields import CaptchaWidget
from haima.captchas.services import FIELD as CAPTCHA_FIELD
from haima.centre.reauth import reauth_fresh, reauth_required
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError
from haima.sms.models import SmsSend
from haima.sms.services import sms_code_send

from .pages import bound_form, errors_show, safe_next
from .phones import mask_phone
from .services.sms_login import user_login_by_sms, user_phone_bind
from .sms_forms import SmsCodeForm, SmsLoginForm

SEND = "send"


def _sms_code_page(request, *, form_class, purpose, template, verify, **extra):
    """Send a code (``action=send``) or call ``verify(form)`` for a response."""
    form = bound_form(form_class, request)
    cooldown, captcha_errors = 0, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == SEND:
                cooldown = sms_code_send(
                    phone=data["phone"],
                    purpose=purpose,
                    context=RequestContext.from_request(request),
                    captcha_key=request.POST.get("captcha_0", ""),
                    captcha_answer=request.POST.get("captcha_1", ""),
                )
            elif not data["code"]:
                form.add_error("code", _("Enter the code we texted you."))
            else:
                return verify(form)
        except ApplicationError as error:
            # The captcha is no field of the form: its errors go by its widget.
            captcha_errors = (getattr(error, "errors", None) or {}).get(
                CAPTCHA_FIELD, []
            )
            if not captcha_errors:
                errors_show(form, error)
    widget = CaptchaWidget()
    return render(
        request,
        template,
        {
            "form": form,
            "purpose": purpose,
            "cooldown": cooldown,
            "captcha_errors": captcha_errors,
            "code_minutes": max(1, settings.SMS_CODE_TTL // 60),
            "captcha": widget.render("captcha", None, attrs={"id": "id_captcha"}),
            "captcha_media": widget.media,
            **extra,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sms_login_page(request):
    def verify(form):
        user_login_by_sms(
            request=request,
            phone=form.cleaned_data["phone"],
            code=form.cleaned_data["code"],
            remember=form.cleaned_data["remember"],
        )
        return redirect(safe_next(request))

    return _sms_code_page(
        request,
        form_class=SmsLoginForm,
        purpose=SmsSend.Purpose.LOGIN,
        template="accounts/sms_login.html",
        verify=verify,
        next=safe_next(request),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def phone_bind_page(request):
    """Bind a first phone, or change (or remove) the bound one, which asks
    who is at the screen first (haima.centre.reauth): a session left open
    must not be enough to move the account's SMS sign-in elsewhere. Looking
    at the page asks nothing (it comes right after a first bind)."""
    changing = request.user.phone and request.method == "POST"
    return (_phone_change if changing else _phone_bind)(request)


def _phone_bind(request):
    def verify(form):
        user = user_phone_bind(
            user=request.user,
            phone=form.cleaned_data["phone"],
            code=form.cleaned_data["code"],
            context=RequestContext.from_request(request),
        )
        messages.success(
            request,
            _("Your phone %(phone)s is bound.") % {"phone": mask_phone(user.phone)},
        )
        return redirect("accounts:phone_bind")

    current = request.user.phone
    return _sms_code_page(
        request,
        form_class=SmsCodeForm,
        purpose=SmsSend.Purpose.BIND,
        template="accounts/phone_bind.html",
        verify=verify,
        current_phone=mask_phone(current) if current else "",
        has_password=request.user.has_usable_password(),
        confirmed=reauth_fresh(request),
    )


_phone_change = reauth_required(_phone_bind)
