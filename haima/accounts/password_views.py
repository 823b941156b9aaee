"""The password pages: forgotten (a link by email), reset by that link, and
changed while signed in. ``never_cache``, as every account page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .forms import NewPasswordForm, PasswordChangeForm
from .pages import bound_form, email_form_page, errors_show
from .services.password import (
    RESET_SENT,
    ResetLinkInvalid,
    password_change,
    password_reset_confirm,
    password_reset_request,
    password_reset_user,
)


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_page(request):
    return email_form_page(
        request,
        action=password_reset_request,
        done_message=RESET_SENT,
        heading=_("Forgot your password?"),
        intro=_(
            "Enter your email address and we will send you a link to choose "
            "a new password."
        ),
        button=_("Send the link"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm_page(request, token: str):
    try:
        account = password_reset_user(token=token)
    except ResetLinkInvalid as failure:
        return render(
            request,
            "accounts/password_reset_confirm.html",
            {"failure": failure},
            status=400,
        )
    form = bound_form(NewPasswordForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_confirm(
                token=token,
                password=form.cleaned_data["password"],
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            errors_show(form, error)
        else:
            messages.success(request, _("Your password is changed. Please sign in."))
            return redirect(settings.LOGIN_URL)
    return render(
        request,
        "accounts/password_reset_confirm.html",
        {"form": form, "account": account},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_page(request):
    form = bound_form(PasswordChangeForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                request=request,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                password=form.cleaned_data["password"],
            )
        except ApplicationError as error:
            errors_show(form, error)
        else:
            messages.success(request, _("Your password is changed."))
            return redirect("shop:index")
    return render(request, "accounts/password_change.html", {"form": form})
