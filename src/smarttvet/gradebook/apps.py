from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradebookConfig(AppConfig):
    name = "smarttvet.gradebook"
    verbose_name = _("Gradebook analytics")
