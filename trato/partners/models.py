from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trato.core.access import AccessQuerySet, following
from trato.core.concurrency import VersionedModel
from trato.partners import access
from trato.partners.access import creatable_kinds  # noqa: F401 (re-exported for forms and views)

KINDS = ("prospect", "customer", "supplier")
KIND_LABELS = {"prospect": _("Prospect"), "customer": _("Customer"), "supplier": _("Supplier")}


class PartnerQuerySet(AccessQuerySet):
    access = access  # partners/access.py: who sees and changes which partners
    single_valued = True  # its conditions join no to-many relation

    def active(self) -> "PartnerQuerySet":
        return self.filter(is_archived=False)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class PhoneFieldsMixin(models.Model):
    """Each phone is kept as typed and, when it parses, in E.164 (indexed for caller matching)."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_e164 = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    mobile_e164 = models.CharField(max_length=20, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    # A number that did not parse is kept as typed and flagged in the UI.
    @property
    def phone_unparseable(self) -> bool:
        return bool(self.phone and not self.phone_e164)

    @property
    def mobile_unparseable(self) -> bool:
        return bool(self.mobile and not self.mobile_e164)


class Partner(PhoneFieldsMixin, VersionedModel):
    """A company Trato deals with: a prospect, a customer, a supplier, or customer and supplier at once."""

    name = models.CharField(_("name"), max_length=200, db_index=True)
    ref = models.CharField(_("ERP code"), max_length=40, blank=True, db_index=True)
    is_prospect = models.BooleanField(_("prospect"), default=False, db_index=True)
    is_customer = models.BooleanField(_("customer"), default=False, db_index=True)
    is_supplier = models.BooleanField(_("supplier"), default=False, db_index=True)
    tax_id = models.CharField(_("tax id (VAT/NIF)"), max_length=32, blank=True)
    tax_id_normalized = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    # The name without accents, case or legal suffix: duplicate detection prefilters on it.
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    invoice_email = models.EmailField(_("invoicing email"), blank=True, db_index=True)
    website = models.URLField(_("website"), blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    street2 = models.CharField(_("street (2)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    state = models.CharField(_("province / state"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="ES", db_index=True, help_text=_("ISO code, e.g. ES")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="es")
    tags = models.ManyToManyField(Tag, blank=True, related_name="partners", verbose_name=_("tags"))
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales_partners",
        verbose_name=_("salesperson"),
    )
    purchasing_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchasing_partners",
        verbose_name=_("purchasing responsible"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        # Whose customers a sales user sees (claims/access.py): the partners of some salespeople, read from the
        # index alone.
        indexes = [models.Index(fields=["salesperson", "id"], name="partner_salesperson_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_prospect=True) | Q(is_customer=True) | Q(is_supplier=True),
                name="partner_has_a_kind",
                violation_error_message=_("A partner is a prospect, a customer or a supplier."),
            ),
            models.CheckConstraint(
                condition=~(Q(is_prospect=True) & Q(is_customer=True)),
                name="partner_prospect_is_not_customer",
                violation_error_message=_("A prospect is not yet a customer: choose one."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])

    @property
    def kinds(self) -> list[str]:
        """The partner's kinds in a fixed order: prospect, customer, supplier."""
        return [kind for kind in KINDS if getattr(self, f"is_{kind}")]


class ContactQuerySet(AccessQuerySet):
    """A contact is seen and changed by whoever sees and changes its company."""

    def visible_to(self, user) -> "ContactQuerySet":
        return following(self, "partner", Partner.objects.visible_to(user))

    def editable_by(self, user) -> "ContactQuerySet":
        return following(self, "partner", Partner.objects.editable_by(user))


class Contact(PhoneFieldsMixin, VersionedModel):
    partner = models.ForeignKey(Partner, models.CASCADE, related_name="contacts", verbose_name=_("company"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, db_index=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    vcard_uid = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    is_archived = models.BooleanField(pgettext_lazy("contact", "archived"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("partners:contact_detail", args=[self.pk])
