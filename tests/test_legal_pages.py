"""The 用户协议 and 隐私政策 pages: one template per language, Chinese by default."""

import re
from http import HTTPStatus
from itertools import pairwise

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TITLES = {
    ("terms", "zh-hans"): "海马生鲜用户使用协议",
    ("terms", "en"): "Haima Fresh User Agreement",
    ("privacy", "zh-hans"): "海马生鲜隐私政策",
    ("privacy", "en"): "Haima Fresh Privacy Policy",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def h1(html: str) -> str:
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no h1"
    return match[1].strip()


def article_text(html: str) -> str:
    """The legal text alone, without the site's header and footer, as one line."""
    match = re.search(r"<article\b.*?</article>", html, re.S)
    assert match, "no article"
    return " ".join(re.sub(r"<[^>]+>", " ", match[0]).split())


def test_the_urls_are_named():
    assert reverse("legal:terms") == "/legal/terms/"
    assert reverse("legal:privacy") == "/legal/privacy/"


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_pages_are_chinese_by_default(client, page):
    response = client.get(reverse(f"legal:{page}"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert '<article class="panel legal" lang="zh-Hans"' in html
    assert h1(html) == TITLES[page, "zh-hans"]
    assert f"<title>{TITLES[page, 'zh-hans'].removeprefix('海马生鲜')}" in html
    assert "2026-11-25" in html and "版本 1.0" in html


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_pages_speak_english_when_asked(client, page):
    response = client.get(reverse(f"legal:{page}"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert h1(html) == TITLES[page, "en"]
    assert f"<title>{TITLES[page, 'en'].removeprefix('Haima Fresh ')}" in html
    assert "2026-11-25" in html and "Version 1.0" in html
    # Only the name that is a literal Chinese string in the code (用户…) is CJK.
    assert CJK.findall(article_text(html).replace("用户", "")) == []


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_the_language_switch_picks_the_english_text(client, page):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse(f"legal:{page}")).content.decode()
    assert h1(html) == TITLES[page, "en"]


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_an_unknown_language_gets_the_chinese_text(client, page):
    html = client.get(
        reverse(f"legal:{page}"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"
    ).content.decode()
    assert h1(html) == TITLES[page, "zh-hans"]


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_a_language_with_no_text_of_its_own_gets_the_chinese_text(
    client, settings, page
):
    # A language the site speaks (its pages, its messages) before the shop
    # has written its legal texts: the authoritative Chinese ones stand in.
    settings.LANGUAGES = [*settings.LANGUAGES, ("ja", "日本語")]
    response = client.get(reverse(f"legal:{page}"), HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="ja">' in html
    assert '<article class="panel legal" lang="zh-Hans"' in html
    assert h1(html) == TITLES[page, "zh-hans"]


@pytest.mark.parametrize("page", ["terms", "privacy"])
def test_pages_are_read_only(client, page):
    response = client.post(reverse(f"legal:{page}"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("page", ["terms", "privacy"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_carry_no_inline_script_or_style(client, page, language):
    html = client.get(
        reverse(f"legal:{page}"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html


@pytest.mark.parametrize("page", ["terms", "privacy"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_headings_go_down_one_level_at_a_time(client, page, language):
    html = client.get(
        reverse(f"legal:{page}"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels))


# What the privacy policy must say, item by item: what is kept and how long,
# the figures taken from the code (config/settings/base.py, remember.py...).
PRIVACY_FACTS = {
    "zh-hans": [
        # Each item of personal information, with its retention.
        "用户名、电子邮箱、密码",
        "账户存续期间保存，注销账户后删除",
        "Argon2id 散列值",
        "手机号码（可选）",
        "5 分钟后失效",  # SMS_CODE_TTL
        "138****8000",  # SmsSend keeps the phone masked...
        "目前长期保存，未设自动删除期限",  # ...with no purge yet
        "邮件发送记录",
        "保存至您注销账户时一并删除",
        "1 小时后失效",  # ACTIVATION_MAX_AGE, PASSWORD_RESET_TIMEOUT
        "4 小时",  # SESSION_IDLE_TIMEOUT
        "14 天",  # SESSION_COOKIE_AGE
        "IP 地址",
        "最长 1 天",  # the longest RATE_LIMITS window
        "运行日志",
        "6 个月",
        # Cookies, processors, transfers, rights, minors.
        "sessionid",
        "csrftoken",
        "remembered_username",
        "7 天",  # remember.MAX_AGE
        "django_language",
        "阿里云短信服务",
        "邮件发送服务商",
        "不向境外提供",
        "查阅、复制",
        "更正、补充",
        "撤回同意",
        "注销账户",
        "获取解释",
        "可携带",
        "账户中心",
        "不满十四周岁",
        "监护人的同意",
        "privacy@",
    ],
    "en": [
        "username, email address, password",
        "Kept while your account exists and deleted when you close it",
        "Argon2id hash",
        "Mobile number (optional)",
        "expires after 5 minutes",
        "138****8000",
        "currently kept indefinitely, with no automatic deletion",
        "Email sending records",
        "Kept until you close your account",
        "expire after 1 hour",
        "4 hours",
        "14 days",
        "IP address",
        "at most 1 day",
        "Operation logs",
        "6 months",
        "sessionid",
        "csrftoken",
        "remembered_username",
        "7 days",
        "django_language",
        "Aliyun SMS Service",
        "email delivery provider",
        "anyone outside China",
        "Access and copy",
        "Correction and completion",
        "Withdrawal of consent",
        "Closing your account",
        "Explanation",
        "Portability",
        "Account Centre",
        "under the age of 14",
        "consent of a parent or other guardian",
        "privacy@",
    ],
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_privacy_policy_names_each_item_and_how_long_it_is_kept(client, language):
    html = client.get(
        reverse("legal:privacy"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    text = article_text(html)
    missing = [fact for fact in PRIVACY_FACTS[language] if fact not in text]
    assert missing == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_item_of_the_privacy_policy_states_a_retention(client, language):
    html = client.get(
        reverse("legal:privacy"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    label = {"zh-hans": "保存期限", "en": "Retention"}[language]
    items = re.findall(r"<dl class=\"legal-facts\">(.*?)</dl>", html, re.S)
    assert len(items) == 9
    for item in items:
        assert re.search(rf"<dt>{label}</dt><dd>[^<]*\S", item), item


def test_the_policies_figures_are_the_codes(settings):
    """The numbers the privacy policy states are the settings' defaults."""
    from haima.accounts import remember

    assert settings.SMS_CODE_TTL == 5 * 60
    assert settings.ACTIVATION_MAX_AGE == settings.PASSWORD_RESET_TIMEOUT == 3600
    assert settings.SESSION_IDLE_TIMEOUT == 4 * 3600
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert remember.MAX_AGE == 7 * 24 * 3600
    assert settings.CSRF_COOKIE_AGE == 31449600  # Django's: one year
    assert settings.LANGUAGE_COOKIE_AGE is None  # ends with the browser
    from haima.core.ratelimit import rate_for

    assert max(rate_for(name).period for name in settings.RATE_LIMITS) == 86400


def test_the_terms_link_the_privacy_policy(client):
    html = client.get(reverse("legal:terms")).content.decode()
    assert f'href="{reverse("legal:privacy")}"' in html
