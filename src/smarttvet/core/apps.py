from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smarttvet.core"
    verbose_name = "Core"
