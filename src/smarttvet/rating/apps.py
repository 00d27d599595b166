from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingConfig(AppConfig):
    name = "smarttvet.rating"
    verbose_name = _("Ratings and leagues")
