"""A record that the database holds synthetic demo data (shown as a banner on every page)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoDataset(models.Model):
    scale = models.CharField(_("scale"), max_length=20)
    seed = models.BigIntegerField(_("seed"))
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("demo dataset")
        verbose_name_plural = _("demo datasets")

    def __str__(self) -> str:
        return f"{self.scale} (seed {self.seed})"
