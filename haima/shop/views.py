from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

# The language whose legal texts are authoritative, shown when the active
# language has none of its own.
LEGAL_FALLBACK_LANGUAGE = "zh-hans"


def index(request):
    """The shop's front page; the header shows who is signed in."""
    return render(request, "shop/index.html")


def _legal_page(request, name: str) -> HttpResponse:
    """Render ``legal/<name>.<language>.html``, or the Chinese text.

    Each language is a template of its own, so the shop edits prose rather
    than translation catalogues; the Chinese one is authoritative and stands
    in for a language with no text yet.
    """
    template = select_template(
        [
            f"legal/{name}.{get_language()}.html",
            f"legal/{name}.{LEGAL_FALLBACK_LANGUAGE}.html",
        ]
    )
    return HttpResponse(template.render({}, request))


@require_safe
def terms(request):
    """《用户协议》: the user agreement."""
    return _legal_page(request, "terms")


@require_safe
def privacy(request):
    """《隐私政策》: the privacy policy (what PIPL asks a notice to say)."""
    return _legal_page(request, "privacy")
