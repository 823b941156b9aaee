"""/user/register/: the form, its errors in Chinese, and success."""

from http import HTTPStatus

import pytest

from haima.accounts.models import User
from haima.accounts.views import REGISTERED
from haima.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def form_data(registration, **overrides) -> dict:
    body = registration(**overrides)
    data = {
        **body,
        "captcha_0": body.pop("captcha_key"),
        "captcha_1": body.pop("captcha_answer"),
    }
    data["agree"] = "on" if data["agree"] else ""
    return data


def test_the_form_has_every_field(client):
    html = client.get("/user/register/").content.decode()
    for name in ("username", "email", "password", "password_confirm", "agree"):
        assert f'name="{name}"' in html
    assert 'name="captcha_0"' in html and "data-captcha-image" in html
    assert "haima/js/captcha.js" in html


def test_the_agree_box_names_and_links_both_documents(client):
    html = client.get("/user/register/").content.decode()
    label = html[
        html.index('<label for="id_agree">') : html.index(
            "</label>", html.index('<label for="id_agree">')
        )
    ]
    assert "我已阅读并同意" in label
    assert (
        '<a href="/legal/terms/" target="_blank" rel="noopener">《用户协议》</a>'
        in label
    )
    assert (
        '<a href="/legal/privacy/" target="_blank" rel="noopener">《隐私政策》</a>'
        in label
    )


def test_the_password_rules_show_before_typing(client):
    html = client.get("/user/register/").content.decode()
    assert '<p class="help" id="id_password_helptext">8–128 个字符' in html
    assert 'aria-describedby="id_password_helptext"' in html


def test_success_shows_where_the_mail_went(client, registration):
    response = client.post("/user/register/", form_data(registration), follow=True)
    assert response.redirect_chain == [("/user/register/sent/", HTTPStatus.FOUND)]
    html = response.content.decode()
    assert '激活邮件已发送到 <strong class="sent-to">ming@example.cn</strong>' in html
    assert "请在 1\xa0小时内点击" in html  # ACTIVATION_MAX_AGE, as the mail says
    assert "60 秒后可重新发送" in html and "disabled" in html
    assert not User.objects.get(username="xiaoming").is_active
    assert OutboundEmail.objects.count() == 1


def test_the_mail_sent_page_is_only_for_who_registered(client):
    response = client.get("/user/register/sent/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/user/register/"


def test_fields_keep_what_was_typed_on_a_captcha_error(client, registration):
    data = form_data(registration)
    data["captcha_1"] = "wrong"
    html = client.post("/user/register/", data).content.decode()
    assert "验证码错误" in html
    assert 'value="xiaoming"' in html and 'value="ming@example.cn"' in html
    assert html.count('value="fresh-Mango-42"') == 2  # both password boxes
    assert not User.objects.exists()


def test_pages_with_passwords_are_not_cached(client, registration):
    data = form_data(registration)
    data["captcha_1"] = "wrong"
    response = client.post("/user/register/", data)
    assert "no-store" in response["Cache-Control"]


def test_errors_are_shown_per_field_in_chinese(client, registration):
    data = form_data(
        registration, email="nope", agree=False, password_confirm="other-Pass-1"
    )
    response = client.post("/user/register/", data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "请阅读并勾选同意《用户协议》和《隐私政策》。" in html
    assert "两次输入的密码不一致。" in html
    assert "请输入正确的邮箱地址。" in html
    assert 'value="xiaoming"' in html  # what was typed is kept…
    assert "fresh-Mango-42" not in html  # …but never a password
    assert not User.objects.exists()


def test_empty_form_asks_for_everything(client):
    html = client.post("/user/register/", {}).content.decode()
    asked = ["请输入用户名。", "请输入邮箱地址。", "请输入密码。", "请再次输入密码。"]
    for message in [*asked, "请阅读并勾选同意", "请输入验证码。"]:
        assert f'<p class="field-error">{message}' in html


def test_english_on_request(client, registration):
    response = client.post(
        "/user/register/",
        form_data(registration, agree=False),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "Please tick to agree to the User Agreement and the Privacy Policy." in html


@pytest.mark.django_db(transaction=True)  # the resend's look-up runs after commit
@pytest.mark.usefixtures("in_process")
class TestResendFromTheMailSentPage:
    URL = "/user/register/sent/"

    @pytest.fixture
    def registered(self, client, registration):
        client.post("/user/register/", form_data(registration))
        assert OutboundEmail.objects.count() == 1
        return client

    def minute_passes(self, client) -> None:
        """The clock moves past the page's countdown."""
        session = client.session
        session[REGISTERED]["sent_at"] -= 60
        session.save()

    def test_before_the_countdown_ends_nothing_is_sent(self, registered):
        response = registered.post(self.URL)
        assert response["Location"] == self.URL
        assert OutboundEmail.objects.count() == 1

    def test_after_it_a_new_link_goes_and_the_countdown_restarts(self, registered):
        self.minute_passes(registered)
        assert "disabled" not in registered.get(self.URL).content.decode()
        html = registered.post(self.URL, follow=True).content.decode()
        assert "新的激活链接已发送" in html
        assert "60 秒后可重新发送" in html
        assert OutboundEmail.objects.count() == 2

    def test_the_address_limits_hold(self, registered, settings):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "activation_resend_email": "1/h",
        }
        for _ in range(2):
            self.minute_passes(registered)
            html = registered.post(self.URL, follow=True).content.decode()
        assert "尝试次数过多" in html
        assert OutboundEmail.objects.count() == 2
