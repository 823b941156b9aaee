from http import HTTPStatus

import pytest

from haima.accounts.models import User

pytestmark = pytest.mark.django_db


def test_index_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "海马生鲜" in html
    assert '<html lang="zh-hans">' in html


def test_index_speaks_english_when_asked(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Haima Fresh" in html and "海马生鲜" not in html


def test_language_switch_remembers_the_choice(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Haima Fresh" in client.get("/").content.decode()


def test_index_shows_the_signed_in_user_and_a_logout_button(client):
    client.force_login(User.objects.create_user("小明", "ming@x.cn", "pw"))
    html = client.get("/").content.decode()
    assert "小明" in html
    assert 'action="/user/logout/"' in html


def test_logout_is_post_only(client):
    client.force_login(User.objects.create_user("ming", "ming@x.cn", "pw"))
    assert client.get("/user/logout/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post("/user/logout/").status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_static_files_are_served_by_whitenoise(client, live_server):
    import urllib.request

    with urllib.request.urlopen(
        f"{live_server.url}/static/haima/css/site.css"
    ) as reply:
        assert reply.status == HTTPStatus.OK
        assert b"--green" in reply.read()
