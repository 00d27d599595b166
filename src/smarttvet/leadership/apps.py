from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    name = "smarttvet.leadership"
    verbose_name = _("Leadership and cadre reserve")
