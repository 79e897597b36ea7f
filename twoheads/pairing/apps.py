from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "twoheads.pairing"
    verbose_name = "Pairing"
