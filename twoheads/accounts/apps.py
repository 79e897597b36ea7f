from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "twoheads.accounts"
    verbose_name = "Accounts"
