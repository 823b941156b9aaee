"""The 账户中心's email pages: ask for a change, confirm it, undo it.

The links' pages show what they would do on GET and act only on POST: mail
scanners fetch links in emails, and a GET alone must change nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.accounts.emails import duration_text
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .forms import EmailChangeForm
from .reauth import reauth_required
from .services.email import (
    CHANGE_SENT,
    EmailLinkInvalid,
    email_change_confirm,
    email_change_request,
    email_change_undo,
    email_change_user,
    email_not_me_user,
)
from .tokens import EMAIL_CHANGE_MAX_AGE


def _show_errors(form, error: ApplicationError) -> None:
    errors = getattr(error, "errors", None) or {None: [error.message]}
    for field, field_messages in errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def email_change_page(request):
    form = EmailChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            email_change_request(
                user=request.user,
                email=email,
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, CHANGE_SENT % {"email": email})
            return redirect("centre:email")
    return render(
        request,
        "centre/email.html",
        {"form": form, "valid_for": duration_text(EMAIL_CHANGE_MAX_AGE)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm_page(request, token: str):
    """GET shows the new address and a button; only the POST changes it."""
    try:
        if request.method == "POST":
            email_change_confirm(
                token=token, context=RequestContext.from_request(request)
            )
            messages.success(request, _("Your email address is changed."))
            signed_in = request.user.is_authenticated
            return redirect("centre:overview" if signed_in else settings.LOGIN_URL)
        account, email = email_change_user(token=token)
    except ApplicationError as failure:
        return render(
            request, "centre/email_confirm.html", {"failure": failure}, status=400
        )
    return render(
        request, "centre/email_confirm.html", {"account": account, "email": email}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_not_me_page(request, token: str):
    """GET explains and shows a button; only the POST locks the account."""
    try:
        if request.method == "POST":
            email_change_undo(token=token, context=RequestContext.from_request(request))
            return render(request, "centre/email_not_me.html", {"locked": True})
        account, old_email, new_email = email_not_me_user(token=token)
    except EmailLinkInvalid as failure:
        return render(
            request, "centre/email_not_me.html", {"failure": failure}, status=400
        )
    return render(
        request,
        "centre/email_not_me.html",
        {"account": account, "old_email": old_email, "new_email": new_email},
    )
