from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trato.claims import access
from trato.core.access import AccessQuerySet, following
from trato.core.concurrency import VersionedModel

# Costs and quantities are amounts, never negative: a credit is recorded as a resolution, not as a negative cost.
NOT_NEGATIVE = [MinValueValidator(0)]
# A default deadline longer than ten years is a typo, and a huge one overflows the date it is added to.
MAX_DEADLINE_DAYS = 3650


class Kind(models.TextChoices):
    CUSTOMER = access.CUSTOMER, _("Customer claim")
    SUPPLIER = access.SUPPLIER, _("Supplier non-conformity")
    INTERNAL = access.INTERNAL, _("Internal non-conformity")


NUMBER_PREFIX = {Kind.CUSTOMER: "RC", Kind.SUPPLIER: "RP", Kind.INTERNAL: "NC"}


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    VISIT = "visit", _("Visit")
    INTERNAL = "internal", _("Internal")
    API = "api", _("ERP (API)")


class Resolution(models.TextChoices):
    REPLACEMENT = "replacement", _("Replacement")
    CREDIT_NOTE = "credit_note", _("Credit note")
    REPAIR = "repair", _("Repair")
    RETURN = "return", _("Return")
    REJECTED = "rejected", _("Rejected, with reasons")
    OTHER = "other", pgettext_lazy("resolution", "Other")


class CategoryQuerySet(AccessQuerySet):
    """A user sees the categories of the kinds of claims they may see, and configures those of the kinds they manage."""

    def visible_to(self, user) -> "CategoryQuerySet":
        return self.filter(kind__in=access.visible_kinds(user))

    def editable_by(self, user) -> "CategoryQuerySet":
        return self.filter(kind__in=access.configurable_kinds(user))


class Category(models.Model):
    """A configurable category per kind of claim, with an optional default deadline."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    default_deadline_days = models.PositiveIntegerField(
        _("default deadline (days)"), null=True, blank=True, validators=[MaxValueValidator(MAX_DEADLINE_DAYS)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("claim category")
        verbose_name_plural = _("claim categories")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="claim_category_unique_per_kind")]

    def __str__(self) -> str:
        return self.name


class ClaimQuerySet(AccessQuerySet):
    access = access  # visible_condition / editable_condition
    single_valued = True  # assignees and team members are subqueries in access.py

    def overdue(self, today=None) -> "ClaimQuerySet":
        today = today or timezone.localdate()
        return self.filter(state__in=[State.DRAFT, State.OPEN], deadline__lt=today)


class Claim(VersionedModel):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    partner = models.ForeignKey(
        "partners.Partner", models.PROTECT, null=True, blank=True, related_name="claims",
        verbose_name=_("customer / supplier"),
    )  # fmt: skip
    contact = models.ForeignKey(
        "partners.Contact", models.SET_NULL, null=True, blank=True, related_name="claims", verbose_name=_("contact")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="claims_responsible",
        verbose_name=_("responsible"),
    )  # fmt: skip
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="claims_assigned", verbose_name=_("people assigned")
    )
    team = models.ForeignKey(
        "accounts.SalesTeam", models.SET_NULL, null=True, blank=True, related_name="claims", verbose_name=_("team")
    )
    category = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="claims", verbose_name=_("category")
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("came in by"), max_length=16, choices=Channel.choices, default=Channel.PHONE)
    received_on = models.DateField(_("date received"), default=timezone.localdate, db_index=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    external_ref = models.CharField(
        _("ERP reference"), max_length=80, null=True, blank=True,
        help_text=_("The ERP's own reference: creating a claim twice with it returns the first one."),
    )  # fmt: skip
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    resolution_notes = models.TextField(_("resolution given to the customer"), blank=True)
    resolution_cost = models.DecimalField(
        _("cost"), max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    time_to_close = models.DurationField(_("time to close"), null=True, blank=True)
    # What each earlier close said, moved here when the claim is reopened (oldest first): the claim's current
    # resolution is always the one being worked on, and the earlier ones stay readable as history.
    resolution_history = models.JSONField(_("earlier resolutions"), default=list, blank=True, editable=False)
    reminder_sent_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        indexes = [
            models.Index(fields=["kind", "state", "deadline"], name="claim_kind_state_deadline"),
            # The list's default order and its deep pages (an index-only walk: core.listing.page_rows), and the
            # board's finished columns, newest first.
            models.Index(fields=["received_on", "id"], name="claim_received_id"),
            models.Index(fields=["state", "received_on", "id"], name="claim_state_received_id"),
            models.Index(fields=["state", "deadline"], name="claim_state_deadline"),  # the board's open columns
        ]
        # Unique per kind, not across kinds: whoever may create a kind of claim sees all claims of that kind
        # (access.py), so a clash never tells them about a claim they may not see.
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "external_ref"], condition=models.Q(external_ref__isnull=False),
                name="claim_external_ref_unique_per_kind",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("claims:detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.state in (State.DRAFT, State.OPEN) and self.deadline < timezone.localdate())


class ClaimPartQuerySet(AccessQuerySet):
    """Origin documents, causes, actions and repairs are seen and changed by whoever sees and changes their claim."""

    claim_path = "claim"

    def visible_to(self, user) -> "ClaimPartQuerySet":
        return following(self, self.claim_path, Claim.objects.visible_to(user))

    def editable_by(self, user) -> "ClaimPartQuerySet":
        return following(self, self.claim_path, Claim.objects.editable_by(user))


class OriginLineQuerySet(ClaimPartQuerySet):
    claim_path = "document__claim"


class OriginType(models.TextChoices):
    GOODS_RECEIPT = "goods_receipt", _("Goods receipt")
    RECEIPT_RETURN = "receipt_return", _("Return of a goods receipt")
    DELIVERY = "delivery", _("Delivery")
    DELIVERY_RETURN = "delivery_return", _("Return of a delivery")
    MANUFACTURING_ORDER = "manufacturing_order", _("Manufacturing order")
    INVOICE = "invoice", _("Invoice")
    SALES_ORDER = "sales_order", _("Sales order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    OTHER = "other", _("Other")


class OriginDocument(models.Model):
    """A document in the ERP the claim came from; Trato keeps its reference and the affected lines."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="origins")
    doc_type = models.CharField(_("type"), max_length=24, choices=OriginType.choices, db_index=True)
    number = models.CharField(_("document number"), max_length=60, db_index=True)
    date = models.DateField(_("date"), null=True, blank=True)

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("origin document")
        verbose_name_plural = _("origin documents")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.number}"


class OriginLine(models.Model):
    document = models.ForeignKey(OriginDocument, models.CASCADE, related_name="lines")
    product_code = models.CharField(_("product code"), max_length=60, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    lot = models.CharField(_("lot / serial number"), max_length=60, blank=True, db_index=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, null=True, blank=True, validators=NOT_NEGATIVE
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True)

    objects = OriginLineQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("affected line")
        verbose_name_plural = _("affected lines")

    def __str__(self) -> str:
        return f"{self.product_code} {self.description}".strip()


class ClaimProductQuerySet(models.QuerySet):
    def refresh(self, claim_ids) -> None:
        """Make the rows of these claims match their lines again: one row per product code the claim's lines name."""
        self.filter(claim_id__in=claim_ids).delete()
        pairs = (
            OriginLine.objects.filter(document__claim_id__in=claim_ids, product_code__gt="")
            .values_list("document__claim_id", "product_code")
            .distinct()
            .order_by()
        )
        self.bulk_create(ClaimProduct(claim_id=claim, product_code=code) for claim, code in pairs)


class ClaimProduct(models.Model):
    """The product codes a claim's lines name, each once: kept by the services that add and remove origin
    documents (``ClaimProduct.objects.refresh``), so that the claims per product are plain counts, where counting
    distinct claims over every line costs reports over years more than a second (docs/bench.md)."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="products")
    product_code = models.CharField(_("product code"), max_length=60)

    objects = ClaimProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product of a claim")
        verbose_name_plural = _("products of claims")
        constraints = [models.UniqueConstraint(fields=["claim", "product_code"], name="claim_product_once")]
        indexes = [models.Index(fields=["product_code", "claim"], name="claim_product_code_claim")]

    def __str__(self) -> str:
        return self.product_code


class CauseCategory(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    TRANSPORT = "transport", _("Transport")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    DESIGN = "design", _("Design")
    USER_ERROR = "user_error", _("User error")
    OTHER = "other", _("Other")


class Cause(models.Model):
    claim = models.ForeignKey(Claim, models.CASCADE, related_name="causes")
    category = models.CharField(_("category"), max_length=16, choices=CauseCategory.choices, db_index=True)
    description = models.TextField(_("description"))
    our_fault = models.BooleanField(_("our fault"), default=False)

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cause")
        verbose_name_plural = _("causes")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:60]}"


class ActionKind(models.TextChoices):
    CONTAINMENT = "containment", _("Containment")
    CORRECTIVE = "corrective", _("Corrective")
    PREVENTIVE = "preventive", _("Preventive")


class Action(models.Model):
    claim = models.ForeignKey(Claim, models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    effectiveness_check = models.TextField(_("effectiveness check"), blank=True)
    carried_over = models.BooleanField(
        _("carried over"), default=False, help_text=_("Left open on purpose when the claim was closed.")
    )

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"

    @property
    def is_settled(self) -> bool:
        return self.done_on is not None or self.carried_over


class RepairState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_REPAIR = "in_repair", _("In repair")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Repair(models.Model):
    claim = models.ForeignKey(Claim, models.CASCADE, related_name="repairs")
    reference = models.CharField(_("reference"), max_length=60)
    product_code = models.CharField(_("product code"), max_length=60, blank=True, db_index=True)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RepairState.choices, default=RepairState.PLANNED)
    started_on = models.DateField(_("started"), null=True, blank=True)
    finished_on = models.DateField(_("finished"), null=True, blank=True)
    cost = models.DecimalField(
        _("cost"), max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )

    objects = ClaimPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")

    def __str__(self) -> str:
        return self.reference
