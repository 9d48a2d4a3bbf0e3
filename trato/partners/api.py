"""Partners and contacts API (/api/v1/partners). Same services as the pages; same access rules.

A partner or contact the caller may not see answers 404; one they may see but not change answers 403.
"""

from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from trato.accounts.models import User
from trato.core.access import get_visible_or_404
from trato.core.api import Page, PageIn, list_params, paginate
from trato.partners import selectors, services
from trato.partners.models import Contact, Partner

router = Router(tags=["partners"])

Kind = Literal["prospect", "customer", "supplier"]
Archived = Literal["active", "archived", "all"]
Language = Literal["es", "en"]


class StrictIn(Schema):
    """Input bodies refuse unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


# Partners


class PartnerOut(Schema):
    id: int
    version: int
    name: str
    ref: str
    kinds: list[Kind]
    tax_id: str
    email: str
    invoice_email: str
    phone: str
    phone_e164: str
    mobile: str
    mobile_e164: str
    website: str
    street: str
    street2: str
    postal_code: str
    city: str
    state: str
    country: str
    language: str
    tags: list[str]
    salesperson: str | None = Field(description="username")
    purchasing_responsible: str | None = Field(description="username")
    notes: str
    is_archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_salesperson(obj) -> str | None:
        return obj.salesperson.username if obj.salesperson else None

    @staticmethod
    def resolve_purchasing_responsible(obj) -> str | None:
        return obj.purchasing_responsible.username if obj.purchasing_responsible else None


class PartnerFilters(Schema):
    q: str = Field("", max_length=200)
    kind: Kind | None = None
    tag: str | None = Field(None, max_length=60)
    archived: Archived = "active"
    salesperson: str | None = Field(None, max_length=150, description='a username, or "none"')
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="ISO 3166 code, such as ES")
    sort: str | None = Field(None, max_length=30, description="name, ref, city, country or created; -name descends")


class PartnerFieldsIn(StrictIn):
    ref: str = Field("", max_length=40)
    tax_id: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    invoice_email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    mobile: str = Field("", max_length=40)
    website: str = Field("", max_length=200)
    street: str = Field("", max_length=200)
    street2: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    state: str = Field("", max_length=100)
    country: str = Field("ES", min_length=2, max_length=2)
    language: Language = "es"
    tags: list[str] = Field([], max_length=50)
    salesperson: str | None = Field(None, description="username")
    purchasing_responsible: str | None = Field(None, description="username")
    notes: str = Field("", max_length=20_000)


class PartnerCreateIn(PartnerFieldsIn):
    name: str = Field(min_length=1, max_length=200)
    kinds: list[Kind] = Field(min_length=1, max_length=3)


class PartnerByRefIn(PartnerFieldsIn):
    """The partner as the ERP knows it; its ERP code is in the path."""

    ref: str = Field("", max_length=0, description="in the path, not here")
    name: str = Field(min_length=1, max_length=200)
    kinds: list[Kind] = Field(min_length=1, max_length=3, description="added to the partner's kinds, never removed")


class PartnerUpdateIn(StrictIn):
    """Only the fields sent are changed; `version` is the one you read."""

    version: int = Field(ge=1)
    name: str | None = Field(None, min_length=1, max_length=200)
    kinds: list[Kind] | None = Field(None, min_length=1, max_length=3)
    ref: str | None = Field(None, max_length=40)
    tax_id: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    invoice_email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    mobile: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=200)
    street: str | None = Field(None, max_length=200)
    street2: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    language: Language | None = None
    tags: list[str] | None = Field(None, max_length=50)
    salesperson: str | None = Field(None, description="username; null for nobody")
    purchasing_responsible: str | None = Field(None, description="username; null for nobody")
    notes: str | None = Field(None, max_length=20_000)


class VersionIn(StrictIn):
    version: int | None = Field(None, ge=1, description="the version you read; omit to skip the check")


def _user(field: str, username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise services.InvalidInput(fields={field: [_("No active user has this username.")]})
    return user


def _partner_data(payload: dict) -> dict:
    for field in ("salesperson", "purchasing_responsible"):
        if field in payload:
            payload[field] = _user(field, payload[field])
    if "kinds" in payload:
        payload["kinds"] = set(payload["kinds"])
    return payload


def _visible_partner(request, partner_id: int) -> Partner:
    queryset = selectors.with_list_relations(Partner.objects.all())
    return get_visible_or_404(queryset, request.auth, pk=partner_id)


def _fresh(partner: Partner) -> Partner:
    return get_object_or_404(selectors.with_list_relations(Partner.objects.all()), pk=partner.pk)


@router.get("", response=Page[PartnerOut], summary="List the partners you may see")
def list_partners(request, filters: Query[PartnerFilters], page: Query[PageIn]):
    values = filters.dict(exclude={"q", "sort"}, exclude_none=True)
    params = list_params(selectors.PARTNER_LIST, q=filters.q, sort=filters.sort, filters=values)
    return paginate(selectors.partner_list(request.auth, params), page)


@router.get("/{int:partner_id}", response=PartnerOut, summary="Read a partner")
def read_partner(request, partner_id: int):
    return _visible_partner(request, partner_id)


@router.post("", response={201: PartnerOut}, summary="Create a partner")
def create_partner(request, payload: PartnerCreateIn):
    partner = services.partner_create(by=request.auth, data=_partner_data(payload.dict()))
    return Status(201, _fresh(partner))


@router.put(
    "/by-ref/{ref}",
    response={200: PartnerOut, 201: PartnerOut},
    summary="Create or update the partner with this ERP code (201 created, 200 updated)",
)
def upsert_partner_by_ref(request, ref: str, payload: PartnerByRefIn):
    data = _partner_data(payload.dict(exclude={"ref"}))
    partner, created = services.partner_upsert_by_ref(by=request.auth, ref=ref, data=data)
    return Status(201 if created else 200, _fresh(partner))


@router.patch("/{int:partner_id}", response=PartnerOut, summary="Change a partner (send the version you read)")
def update_partner(request, partner_id: int, payload: PartnerUpdateIn):
    partner = _visible_partner(request, partner_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.partner_update(partner=partner, by=request.auth, data=_partner_data(data), version=version)
    return _fresh(partner)


@router.post("/{int:partner_id}/archive", response=PartnerOut, summary="Archive a partner")
def archive_partner(request, partner_id: int, payload: VersionIn):
    partner = _visible_partner(request, partner_id)
    services.partner_archive(partner=partner, by=request.auth, version=payload.version)
    return _fresh(partner)


@router.post("/{int:partner_id}/restore", response=PartnerOut, summary="Restore an archived partner")
def restore_partner(request, partner_id: int, payload: VersionIn):
    partner = _visible_partner(request, partner_id)
    services.partner_restore(partner=partner, by=request.auth, version=payload.version)
    return _fresh(partner)


# Contacts


class ContactOut(Schema):
    id: int
    version: int
    partner_id: int
    first_name: str
    last_name: str
    job_title: str
    department: str
    email: str
    phone: str
    phone_e164: str
    mobile: str
    mobile_e164: str
    language: str
    notes: str
    vcard_uid: str
    is_archived: bool
    created_at: datetime
    updated_at: datetime


class ContactFilters(Schema):
    archived: Archived = "active"


class ContactCreateIn(StrictIn):
    first_name: str = Field("", max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    job_title: str = Field("", max_length=100)
    department: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    mobile: str = Field("", max_length=40)
    language: Literal["", "es", "en"] = ""
    notes: str = Field("", max_length=20_000)


class ContactUpdateIn(StrictIn):
    version: int = Field(ge=1)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    job_title: str | None = Field(None, max_length=100)
    department: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    mobile: str | None = Field(None, max_length=40)
    language: Literal["", "es", "en"] | None = None
    notes: str | None = Field(None, max_length=20_000)


def _visible_contact(request, contact_id: int) -> Contact:
    return get_visible_or_404(Contact.objects.select_related("partner"), request.auth, pk=contact_id)


@router.get("/{int:partner_id}/contacts", response=Page[ContactOut], summary="List a partner's contacts")
def list_contacts(request, partner_id: int, filters: Query[ContactFilters], page: Query[PageIn]):
    partner = _visible_partner(request, partner_id)
    contacts = Contact.objects.filter(partner=partner).order_by("last_name", "first_name", "pk")
    if filters.archived != "all":
        contacts = contacts.filter(is_archived=filters.archived == "archived")
    return paginate(contacts, page)


@router.post("/{int:partner_id}/contacts", response={201: ContactOut}, summary="Add a contact to a partner")
def create_contact(request, partner_id: int, payload: ContactCreateIn):
    partner = _visible_partner(request, partner_id)
    return Status(201, services.contact_create(partner=partner, by=request.auth, data=payload.dict()))


@router.get("/contacts/{int:contact_id}", response=ContactOut, summary="Read a contact")
def read_contact(request, contact_id: int):
    return _visible_contact(request, contact_id)


@router.patch("/contacts/{int:contact_id}", response=ContactOut, summary="Change a contact (send the version you read)")
def update_contact(request, contact_id: int, payload: ContactUpdateIn):
    contact = _visible_contact(request, contact_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.contact_update(contact=contact, by=request.auth, data=data, version=version)


@router.post("/contacts/{int:contact_id}/archive", response=ContactOut, summary="Archive a contact")
def archive_contact(request, contact_id: int, payload: VersionIn):
    contact = _visible_contact(request, contact_id)
    return services.contact_archive(contact=contact, by=request.auth, version=payload.version)


@router.post("/contacts/{int:contact_id}/restore", response=ContactOut, summary="Restore an archived contact")
def restore_contact(request, contact_id: int, payload: VersionIn):
    contact = _visible_contact(request, contact_id)
    return services.contact_restore(contact=contact, by=request.auth, version=payload.version)
