from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "smarttvet.labour"
    verbose_name = _("Labour market")
