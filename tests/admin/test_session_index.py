"""Each user's sessions are indexed, so staff can list them and end them all
(haima.core.sessions.index), in Redis or in the embedded database cache."""

import itertools
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.test import Client
from django.utils.module_loading import import_string

from haima.core.sessions import index
from haima.core.sessions.index import _index
from haima.core.sessions.listing import user_sessions, user_sessions_delete
from tests.factories import user_create
from tests.helpers import STRONG_PASSWORD

from .conftest import api_sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ripe-Papaya-77"


def indexed_keys(user) -> set[str]:
    """The raw index, ended sessions included."""
    return set(_index(user.pk).entries())


def session_key(client) -> str:
    return client.cookies["sessionid"].value


def test_each_sign_in_is_listed_with_where_it_came_from(user):
    phone, laptop = Client(), Client()
    assert api_sign_in(phone, ip="198.51.100.7").status_code == HTTPStatus.OK
    assert (
        api_sign_in(laptop, ip="203.0.113.9", remember=True).status_code
        == HTTPStatus.OK
    )

    sessions = user_sessions(user=user)
    assert [(s.ip, s.user_agent, s.remembered) for s in sessions] == [
        ("203.0.113.9", "phone-browser/203.0.113.9", True),  # newest first
        ("198.51.100.7", "phone-browser/198.51.100.7", False),
    ]
    assert all(s.started_at is not None for s in sessions)
    keys = {session_key(phone), session_key(laptop)}
    assert indexed_keys(user) == keys
    assert not {s.digest for s in sessions} & keys  # never the key itself


def test_signing_out_leaves_the_index(client, user):
    for _ in range(3):
        api_sign_in(client)
        assert len(indexed_keys(user)) == 1
        client.post("/api/v1/logout")
        assert indexed_keys(user) == set()


def test_a_rotated_key_stays_indexed_and_can_be_ended(client, user):
    api_sign_in(client)
    before = session_key(client)
    response = client.post(
        "/api/v1/password/change",
        {"old_password": STRONG_PASSWORD, "password": NEW_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK, response.content
    after = session_key(client)
    assert after != before
    assert indexed_keys(user) == {after}
    [session] = user_sessions(user=user)
    assert session.ip == "127.0.0.1"  # the entry moved with the key

    assert user_sessions_delete(user=user) == 1
    assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


def test_signing_in_over_another_users_session_moves_it(client, user):
    other = user_create("xiaohong", "hong@example.cn")
    api_sign_in(client)
    api_sign_in(client, login="xiaohong")
    assert indexed_keys(user) == set()
    assert indexed_keys(other) == {session_key(client)}


def test_a_session_that_ended_on_its_own_is_dropped(user):
    gone, kept = Client(), Client()
    api_sign_in(gone)
    api_sign_in(kept)
    store = import_string(settings.SESSION_ENGINE).SessionStore
    store().delete(session_key(gone))  # as the idle timeout would

    assert len(user_sessions(user=user)) == 1
    assert indexed_keys(user) == {session_key(kept)}


def test_deleting_signs_out_every_session(user):
    clients = [Client(), Client(), Client()]
    for client in clients:
        api_sign_in(client)
    other = user_create("xiaohong", "hong@example.cn")
    bystander = Client()
    api_sign_in(bystander, login="xiaohong")

    assert user_sessions_delete(user=user) == 3
    for client in clients:
        assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED
    assert user_sessions(user=user) == []
    assert indexed_keys(user) == set()
    assert bystander.get("/api/v1/me").status_code == HTTPStatus.OK
    assert len(user_sessions(user=other)) == 1


def test_an_ended_session_is_not_brought_back_by_its_next_request(client, user):
    """A request in flight that saves the session must not recreate it."""
    api_sign_in(client)
    session = client.session
    session["anything"] = 1  # a later save of this loaded session...
    user_sessions_delete(user=user)
    with pytest.raises(UpdateError):
        session.save()  # ...fails: the store refuses to update what is gone
    assert client.get("/api/v1/me").status_code == HTTPStatus.UNAUTHORIZED


def test_past_the_most_sessions_a_sign_in_ends_the_oldest(user, monkeypatch):
    """The index stays bounded, so a sign-in costs the same however many
    times the account has signed in; the devices ended are the oldest."""
    monkeypatch.setattr(index, "MAX_SESSIONS", 4)
    monkeypatch.setattr(index, "SESSIONS_KEPT", 2)
    clock = itertools.count(1_800_000_000)
    monkeypatch.setattr(index, "_now", lambda: next(clock))
    clients = [Client() for _ in range(5)]
    for client in clients[:4]:
        api_sign_in(client)
    assert len(indexed_keys(user)) == 4  # at the most: nothing pruned yet

    api_sign_in(clients[4])

    assert indexed_keys(user) == {session_key(c) for c in clients[3:]}
    statuses = [c.get("/api/v1/me").status_code for c in clients]
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 3 + [HTTPStatus.OK] * 2


def test_a_sign_in_past_the_most_drops_ended_sessions_first(user, monkeypatch):
    monkeypatch.setattr(index, "MAX_SESSIONS", 2)
    monkeypatch.setattr(index, "SESSIONS_KEPT", 2)
    ended, kept, new = Client(), Client(), Client()
    api_sign_in(ended)
    api_sign_in(kept)
    store = import_string(settings.SESSION_ENGINE).SessionStore
    store().delete(session_key(ended))  # as the idle timeout would

    api_sign_in(new)

    assert indexed_keys(user) == {session_key(kept), session_key(new)}
    assert kept.get("/api/v1/me").status_code == HTTPStatus.OK
