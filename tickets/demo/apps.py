from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tickets.demo"
    label = "demo"
    verbose_name = "Assistance (démonstration)"
