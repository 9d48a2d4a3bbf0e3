from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """The last number given per prefix and year; its row is locked while a number is taken."""

    prefix = models.CharField(_("prefix"), max_length=8, validators=[RegexValidator(r"^[A-Z][A-Z0-9]*$")])
    year = models.PositiveIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="numbering_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
