"""The 账户中心's overview and its re-authentication page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
@login_required
def overview(request):
    return render(request, "centre/overview.html")


@never_cache
@login_required
def reauth_page(request):
    return render(request, "centre/reauth.html")
