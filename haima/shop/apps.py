from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "haima.shop"
    label = "shop"
