from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "smarttvet.kpi"
    verbose_name = _("Director KPIs and incentive funding")
