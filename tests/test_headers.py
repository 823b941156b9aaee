"""Browser-facing protections: CSP on every page, no inline script, cookies."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_startup import BASE_DIR

pytestmark = pytest.mark.django_db

TEMPLATES = Path(BASE_DIR, "haima", "templates")


PAGES = ["/", "/user/login/", "/user/sms-login/", "/user/register/", "/admin/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_policy_that_allows_only_our_own_scripts(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_policy_built_once_is_the_librarys_and_adjustments_still_apply(rf):
    """haima.core.csp sets django-csp's own policy; a view's adjustment
    (``csp_update``) still goes through the library."""
    from csp.decorators import csp_update
    from csp.utils import build_policy
    from django.http import HttpResponse

    from haima.core.csp import CSPMiddleware

    def plain(request):
        return HttpResponse()

    @csp_update({"img-src": ["https://img.example.cn"]})
    def adjusted(request):
        return HttpResponse()

    def answer(view):
        middleware = CSPMiddleware(view)
        request = rf.get("/")
        middleware.process_request(request)
        return middleware.process_response(request, view(request))

    assert answer(plain)["Content-Security-Policy"] == build_policy()
    assert "https://img.example.cn" in answer(adjusted)["Content-Security-Policy"]


def test_no_page_template_has_inline_script():
    inline = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and "application/json" not in tag:
                inline.append(f"{template.name}: {tag}")
        if re.search(r"\son[a-z]+=", template.read_text()):
            inline.append(f"{template.name}: an on* handler attribute")
    assert inline == []


@pytest.mark.parametrize(("debug", "secure"), [("false", "True"), ("true", "False")])
def test_cookies_need_https_unless_debugging(tmp_path, debug, secure):
    shown = subprocess.run(
        [sys.executable, "-c",
         "import django, os; django.setup(); from django.conf import settings; "
         "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.local",
             "DEBUG": debug, "SECRET_KEY": "k3y-" + "abcdefghij" * 6,
             "DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.stdout.split() == [secure, secure], shown.stderr
