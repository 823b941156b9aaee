"""The device a session runs on, named from its user agent for people to read.

``device_name`` gives the browser (or the app whose web view it is) and the
system: "Chrome · Windows", "微信 · iPhone", "Safari · iPhone". Versions are
left out; an agent with neither, such as ``curl/8.5.0``, is "未知设备".

A small table of patterns, not a parser library: the listing needs a family
and a system, and the Chinese apps that matter here (WeChat, Alipay, QQ, UC)
are easy to tell by their own tokens. Order matters, because agents carry
the tokens of what they are built on: WeChat's and QQ Browser's Android
agents also say ``Chrome/``, Edge's says ``Chrome/`` and ``Safari/``,
Chrome's says ``Safari/``, and Alipay's says ``UCBS/``. So the apps come
first, then Edge, Opera, Firefox, Chrome, and Safari last.
"""

import re

from django.utils.translation import gettext_lazy as _

SEPARATOR = " · "
UNKNOWN = _("Unknown device")

_BROWSERS = [
    (_("WeCom"), r"wxwork/"),
    (_("WeChat"), r"MicroMessenger|WindowsWechat"),
    (_("Alipay"), r"AlipayClient|AliApp\(AP"),
    (_("DingTalk"), r"DingTalk/"),
    ("QQ", r"\bQQ/\d"),  # the QQ app, whose web view may also say MQQBrowser
    (_("QQ Browser"), r"M?QQBrowser/"),
    (_("UC Browser"), r"UCBrowser/|UCWEB"),
    (_("Quark"), r"Quark/"),
    (_("Baidu"), r"baiduboxapp/|BaiduHD/"),
    (_("Huawei Browser"), r"HuaweiBrowser/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|OPT/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/"),
    ("Safari", r"Version/[\d.]+.*Safari/|^Mozilla/5\.0 \((iPhone|iPad)"),
]

_SYSTEMS = [
    ("HarmonyOS", r"HarmonyOS|OpenHarmony"),
    ("iPhone", r"iPhone|iPod"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux|X11"),
]


def _first(table, user_agent: str) -> str:
    for name, pattern in table:
        if re.search(pattern, user_agent):  # re caches the compiled patterns
            return str(name)
    return ""


def device_name(user_agent: str | None) -> str:
    """Name the browser and system of ``user_agent`` in the active language.

    Either part may be missing ("Windows" alone); with neither, "Unknown
    device".
    """
    user_agent = user_agent or ""
    parts = [_first(_BROWSERS, user_agent), _first(_SYSTEMS, user_agent)]
    return SEPARATOR.join(part for part in parts if part) or str(UNKNOWN)
