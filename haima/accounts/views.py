"""Account pages: thin views over the services, errors shown on the forms."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haima.core.client_ip import client_ip
from haima.core.exceptions import ApplicationError, ValidationFailed

from .forms import EmailForm, RegistrationForm
from .services.activation import (
    RESEND_SENT,
    ActivationFailed,
    activation_resend,
    activation_user,
    user_activate,
)
from .services.registration import user_register


def _show_errors(form, error: ValidationFailed) -> None:
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_register(
                username=data["username"],
                email=data["email"],
                password=data["password"],
            )
        except ValidationFailed as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Welcome, %(name)s! We sent an activation link to %(email)s.")
                % {"name": data["username"], "email": data["email"]},
            )
            return redirect("shop:index")
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def activate(request, token: str):
    """GET shows the account and a button; only the POST spends the link.

    Mail scanners fetch links in emails: a GET alone must never activate.
    """
    try:
        if request.method == "POST":
            user_activate(token=token)
            messages.success(request, _("Your account is active. Please sign in."))
            return redirect(settings.LOGIN_URL)
        account = activation_user(token=token)
    except ActivationFailed as failure:
        return render(
            request,
            "accounts/activate.html",
            {"failure": failure, "resend_form": EmailForm()},
            status=400,
        )
    return render(request, "accounts/activate.html", {"account": account})


@require_http_methods(["GET", "POST"])
def activation_resend_page(request):
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            activation_resend(email=form.cleaned_data["email"], ip=client_ip(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, RESEND_SENT)
            return redirect("accounts:activation_resend")
    return render(request, "accounts/activation_resend.html", {"form": form})
