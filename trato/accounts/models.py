import unicodedata
import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from trato.accounts.roles import is_admin
from trato.core.access import AccessQuerySet


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA names this machine knows. Read once: listing them walks the time zone database on disk."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


def _is_active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# Accounts that machines act as (the mail gateway): never a person, so never logged in nor given API access.
MACHINE_USERNAMES = frozenset({"mail-gateway"})

# How each machine account is shown. The stored names are data, in whatever language they were created in, so the
# display name is translated when shown.
MACHINE_DISPLAY_NAMES = {"mail-gateway": _("Mail gateway")}


def normalize_email(value: str | None) -> str:
    """The one spelling an address is stored and compared in: NFKC (so look-alike compatibility characters, e.g.
    full-width letters, become the plain ones) and casefolded (so "Lucía@" and "LUCÍA@" are one address)."""
    return unicodedata.normalize("NFKC", (value or "").strip()).casefold()


class User(AbstractUser):
    _trato_roles: frozenset[str]  # cached on the instance by trato.accounts.roles.roles_of, once per request

    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: follow the browser."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # real in Django; django-stubs declares no Meta
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # Emails are stored normalised (see clean/save); Lower() also guards writes that bypass them.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                condition=~models.Q(email=""),
                violation_error_message=_("Another user already has this email address."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_machine(self) -> bool:
        return self.username in MACHINE_USERNAMES

    def get_full_name(self) -> str:
        if self.is_machine:
            return str(MACHINE_DISPLAY_NAMES.get(self.username, self.username))
        return super().get_full_name()

    def get_short_name(self) -> str:
        return self.get_full_name() if self.is_machine else super().get_short_name()

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)
        # Said on the email field (the constraint's own error would be a general one at the top of the form).
        if self.email and User.objects.filter(email__iexact=self.email).exclude(pk=self.pk).exists():
            raise ValidationError({"email": _("Another user already has this email address.")})

    def save(self, *args, **kwargs) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class SalesTeamQuerySet(AccessQuerySet):
    """Every signed-in user may see the teams; only administrators change them (in the Django admin)."""

    def visible_to(self, user) -> "SalesTeamQuerySet":
        return self.all() if _is_active(user) else self.none()

    def editable_by(self, user) -> "SalesTeamQuerySet":
        return self.all() if is_admin(user) else self.none()


class SalesTeam(models.Model):
    """A sales team: its leader may act on the partners of its members."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="led_teams", verbose_name=_("leader")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sales_teams", blank=True, verbose_name=_("members")
    )

    objects = SalesTeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sales team")
        verbose_name_plural = _("sales teams")

    def __str__(self) -> str:
        return self.name


class ApiTokenQuerySet(AccessQuerySet):
    """A personal token is seen and revoked by its owner only."""

    def visible_to(self, user) -> "ApiTokenQuerySet":
        return self.filter(user=user) if _is_active(user) else self.none()

    def editable_by(self, user) -> "ApiTokenQuerySet":
        return self.visible_to(user)

    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only the SHA-256 of the secret is kept; the secret is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PasswordResetRequest(models.Model):
    """One password reset asked for: counted to rate-limit requests per email address and per client address.

    Kept whether or not the address belongs to an account, so that the limit says nothing about which ones do.
    Rows older than the window are deleted as new requests come in."""

    email = models.CharField(max_length=254, db_index=True)  # normalised, see normalize_email
    address = models.GenericIPAddressField(null=True, db_index=True)
    requested_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.email} ({self.address or '-'}, {self.requested_at:%Y-%m-%d %H:%M})"
