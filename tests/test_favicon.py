"""Every page has an icon: favicon.svg linked, /favicon.ico for the rest."""

from http import HTTPStatus

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_pages_link_the_svg_icon(client):
    html = client.get("/").content.decode()
    href = static("haima/favicon.svg")
    assert f'<link rel="icon" href="{href}" type="image/svg+xml">' in html

    icon = client.get(href)
    assert icon.status_code == HTTPStatus.OK
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == static("haima/favicon.ico")

    icon = client.get(response["Location"])
    assert icon.status_code == HTTPStatus.OK
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
