"""Devices named from real user agents: browser (or app) and system."""

import pytest
from django.utils import translation

from haima.centre.devices import device_name

AGENTS = [
    # Windows
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome · Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", "Edge · Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 "
     "Firefox/125.0", "Firefox · Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/94.0.4606.71 Safari/537.36 Core/1.94.218.400 "
     "QQBrowser/12.1.5496.400", "QQ Browser · Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI "
     "MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13) XWEB/9129 "
     "Flue", "WeChat · Windows"),
    # macOS
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Version/17.4.1 Safari/605.1.15", "Safari · macOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome · macOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 "
     "Firefox/125.0", "Firefox · macOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", "Edge · macOS"),
    # Android
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36", "Chrome · Android"),
    ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
     "Firefox · Android"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64", "Edge · Android"),
    ("Mozilla/5.0 (Linux; Android 13; V2055A Build/TP1A.220624.014; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile "
     "Safari/537.36 XWEB/1160083 MMWEBSDK/20231202 MMWEBID/4194 "
     "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI "
     "Language/zh_CN ABI/arm64", "WeChat · Android"),
    ("Mozilla/5.0 (Linux; U; Android 12; zh-CN; M2012K11AC Build/SKQ1.211006.001) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 "
     "UWS/3.22.2.59 Mobile Safari/537.36 UCBS/3.22.2.59_230213100034 ChannelId(8) "
     "NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:393|0|2.75) "
     "AliApp(AP/10.3.86.8000) AlipayClient/10.3.86.8000 Language/zh-Hans "
     "useStatusBar/true isConcaveScreen/true Region/CNAriver/1.0.0 DTN/2.0",
     "Alipay · Android"),
    ("Mozilla/5.0 (Linux; U; Android 11; zh-cn; PDEM30 Build/RKQ1.200903.002) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/87.0.4280.141 "
     "Mobile Safari/537.36 MQQBrowser/13.2 Mobile", "QQ Browser · Android"),
    ("Mozilla/5.0 (Linux; U; Android 10; zh-CN; V1990A Build/QP1A.190711.020) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 "
     "UCBrowser/13.4.0.1306 Mobile Safari/537.36", "UC Browser · Android"),
    ("Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.12.0.302) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 "
     "HuaweiBrowser/14.0.5.302 Mobile Safari/537.36", "Huawei Browser · HarmonyOS"),
    # iOS
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
     "Safari · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
     "Chrome · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
     "Firefox · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.0 EdgiOS/124.0.2478.89 Mobile/15E148 "
     "Safari/605.1.15", "Edge · iPhone"),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari · iPad"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) "
     "NetType/WIFI Language/zh_CN", "WeChat · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_3 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148 Ariver/1.1.0 AliApp(AP/10.3.90.6000) Nebula "
     "WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|844|3.0) "
     "AlipayClient/10.3.90.6000 Language/zh-Hans Region/CN NebulaX/1.0.0",
     "Alipay · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148 MQQBrowser/13.8.0 Mobile/15E148 "
     "Safari/604.1 QBWebViewUA/2 QBWebViewType/1 WKType/1", "QQ Browser · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1 "
     "UCBrowser/13.7.2.1636", "UC Browser · iPhone"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148 QQ/8.9.28.635 V1_IPH_SQ_8.9.28_1_APP_A "
     "Pixel/1170 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 "
     "CurrentFontScale/1.000000 QQTheme/1000 Core/WKWebView Device/Apple(iPhone "
     "13) UserIDString/0", "QQ · iPhone"),
    # Linux, and agents that are no browser
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", "Chrome · Linux"),
    ("curl/8.5.0", "Unknown device"),
    ("python-requests/2.31.0", "Unknown device"),
    ("", "Unknown device"),
]  # fmt: skip


@pytest.mark.parametrize(("user_agent", "name"), AGENTS)
def test_device_names(user_agent, name):
    """In English; in Chinese the apps' names are their msgids' 微信, 支付宝,
    QQ浏览器, UC浏览器, 华为浏览器 and 未知设备."""
    with translation.override("en"):
        assert device_name(user_agent) == name


def test_a_missing_agent_is_an_unknown_device():
    with translation.override("en"):
        assert device_name(None) == "Unknown device"
