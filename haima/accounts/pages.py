"""What the account pages (and the account centre's) share: a form bound to
the request, a service's refusal shown on it, the page that asks for an email
address, and the safe place to go on to."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from haima.centre.cancel_views import undo_offer
from haima.centre.services.cancel import CancellationPending
from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .forms import EmailForm


def bound_form(form_class, request, **kwargs):
    """``form_class`` holding what was posted, or empty on a GET."""
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def errors_show(form, error: ApplicationError) -> None:
    """Put a service's refusal on ``form``: next to its field, or on top."""
    if isinstance(error, CancellationPending):  # 注销 in its cooling-off
        form.add_error(None, undo_offer(error))  # with a 撤销注销 button
        return
    errors = getattr(error, "errors", None) or {None: [error.message]}
    for field, field_messages in errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def email_form_page(request, *, action, done_message, **texts):
    """A page asking for an email address, answering the same for any.

    ``texts``: the page's ``heading``, ``button`` and optional ``intro``.
    """
    form = bound_form(EmailForm, request)
    if request.method == "POST" and form.is_valid():
        try:
            action(
                email=form.cleaned_data["email"],
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            errors_show(form, error)
        else:
            messages.success(request, done_message)
            return redirect(request.path)
    return render(request, "accounts/email_form.html", {"form": form, **texts})


def safe_next(request) -> str:
    """The ``next`` asked for, when it stays on this site; else the shop."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("shop:index")
