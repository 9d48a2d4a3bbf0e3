"""Claims API (/api/v1/claims): the same services and access rules as the pages.

A claim the caller may not see answers 404; one they may see but not change answers 403; a stale version 409; a
refused move 400 with code "move_refused" and what is missing. Creating with an ERP reference is idempotent:
201 for a new claim, 200 with the first one for a reference already used.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from trato.accounts.models import User
from trato.claims import access, selectors, services
from trato.claims.models import (
    Action,
    ActionKind,
    Category,
    Cause,
    CauseCategory,
    Channel,
    Claim,
    Kind,
    OriginDocument,
    OriginType,
    Priority,
    Repair,
    RepairState,
    Resolution,
    State,
)  # fmt: skip
from trato.claims.validation import MAX_ID
from trato.core.access import get_visible_or_404
from trato.core.api import IsoDate, Page, PageIn, list_params, paginate

router = Router(tags=["claims"])

# Choices as Literal types built from the models' TextChoices, so the OpenAPI lists them and a refused value names
# the allowed ones; built at run time, which a type checker cannot follow: for mypy they are plain strings.
if TYPE_CHECKING:
    KindIn: TypeAlias = str
    StateIn: TypeAlias = str
    PriorityIn: TypeAlias = str
    ChannelIn: TypeAlias = str
    ResolutionIn: TypeAlias = str
    OriginTypeIn: TypeAlias = str
    CauseCategoryIn: TypeAlias = str
    ActionKindIn: TypeAlias = str
    RepairStateIn: TypeAlias = str
else:
    KindIn = Literal[tuple(Kind.values)]
    StateIn = Literal[tuple(State.values)]
    PriorityIn = Literal[tuple(Priority.values)]
    ChannelIn = Literal[tuple(Channel.values)]
    ResolutionIn = Literal[("", *Resolution.values)]
    OriginTypeIn = Literal[tuple(OriginType.values)]
    CauseCategoryIn = Literal[tuple(CauseCategory.values)]
    ActionKindIn = Literal[tuple(ActionKind.values)]
    RepairStateIn = Literal[tuple(RepairState.values)]
TEXT = 20_000


class StrictIn(Schema):
    """Input bodies refuse unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


# Output


class NamedOut(Schema):
    id: int
    name: str


class OriginLineOut(Schema):
    id: int
    product_code: str
    description: str
    lot: str
    quantity: Decimal | None
    unit: str


class OriginOut(Schema):
    id: int
    doc_type: str
    number: str
    date: dt.date | None
    lines: list[OriginLineOut]


class CauseOut(Schema):
    id: int
    category: str
    description: str
    our_fault: bool


class ActionOut(Schema):
    id: int
    kind: str
    description: str
    owner: str | None = Field(description="username")
    due_on: dt.date | None
    done_on: dt.date | None
    effectiveness_check: str
    carried_over: bool

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.username if obj.owner else None


class RepairOut(Schema):
    id: int
    reference: str
    product_code: str
    serial: str
    description: str
    state: str
    started_on: dt.date | None
    finished_on: dt.date | None
    cost: Decimal | None


class ClaimOut(Schema):
    id: int
    version: int
    number: str
    kind: str
    state: str
    subject: str
    partner: NamedOut | None
    contact_id: int | None
    responsible: str | None = Field(description="username")
    assignees: list[str] = Field(description="usernames")
    team_id: int | None
    category: NamedOut | None
    priority: str
    channel: str
    received_on: dt.date
    deadline: dt.date | None
    is_overdue: bool
    external_ref: str | None
    resolution: str
    resolution_cost: Decimal | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    time_to_close_seconds: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_responsible(obj) -> str | None:
        return obj.responsible.username if obj.responsible else None

    @staticmethod
    def resolve_assignees(obj) -> list[str]:
        return sorted(user.username for user in obj.assignees.all())

    @staticmethod
    def resolve_time_to_close_seconds(obj) -> int | None:
        return int(obj.time_to_close.total_seconds()) if obj.time_to_close is not None else None


class EarlierResolutionOut(Schema):
    resolution: str
    resolution_notes: str
    resolution_cost: Decimal | None
    closing_note: str
    closed_at: dt.datetime | None
    closed_by: str = Field("", description="who closed it (full name, else username)")
    reopened_at: dt.datetime
    reopen_reason: str


class ClaimDetailOut(ClaimOut):
    description: str
    resolution_history: list[EarlierResolutionOut] = Field(description="what each earlier close said, oldest first")
    resolution_notes: str
    closing_note: str
    origins: list[OriginOut]
    causes: list[CauseOut]
    actions: list[ActionOut]
    repairs: list[RepairOut]

    @staticmethod
    def resolve_origins(obj):
        return obj.origins.all()

    @staticmethod
    def resolve_causes(obj):
        return obj.causes.all()

    @staticmethod
    def resolve_actions(obj):
        return obj.actions.all()

    @staticmethod
    def resolve_repairs(obj):
        return obj.repairs.all()


# Input


class ClaimFilters(Schema):
    q: str = Field("", max_length=200)
    state: StateIn | None = None
    kind: KindIn | None = None
    category: int | None = Field(None, ge=1, le=MAX_ID)
    responsible: str | None = Field(None, max_length=150, description='a username, or "none"')
    partner: int | None = Field(None, ge=1, le=MAX_ID)
    origin_type: OriginTypeIn | None = None
    document: str | None = Field(None, max_length=60)
    product: str | None = Field(None, max_length=60)
    overdue: bool | None = None
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    sort: str | None = Field(None, max_length=30, description="number, subject, partner, state, received, deadline, "
                             "priority; -received descends")  # fmt: skip


class OriginLineIn(StrictIn):
    product_code: str = Field(min_length=1, max_length=60)
    description: str = Field("", max_length=200)
    lot: str = Field("", max_length=60)
    quantity: Decimal | None = Field(None, max_digits=12, decimal_places=3)
    unit: str = Field("", max_length=16)


class OriginIn(StrictIn):
    doc_type: OriginTypeIn
    number: str = Field(min_length=1, max_length=60)
    date: IsoDate | None = None
    lines: list[OriginLineIn] = Field([], max_length=200)


class ClaimFieldsIn(StrictIn):
    partner: int | None = None
    contact: int | None = None
    responsible: str | None = Field(None, description="username")
    assignees: list[str] = Field([], max_length=50, description="usernames")
    team: int | None = None
    category: int | None = None
    priority: PriorityIn = Priority.NORMAL
    description: str = Field("", max_length=TEXT)
    channel: ChannelIn | None = None
    received_on: IsoDate | None = None
    deadline: IsoDate | None = None
    resolution: ResolutionIn = ""
    resolution_notes: str = Field("", max_length=TEXT)
    resolution_cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)


class ClaimCreateIn(ClaimFieldsIn):
    kind: KindIn
    subject: str = Field(min_length=1, max_length=200)
    external_ref: str | None = Field(None, max_length=80, description="the ERP's reference: a retry returns the first")
    origins: list[OriginIn] = Field([], max_length=20)


class ClaimUpdateIn(StrictIn):
    """Only the fields sent are changed; `version` is the one you read."""

    version: int = Field(ge=1)
    subject: str | None = Field(None, min_length=1, max_length=200)
    partner: int | None = None
    contact: int | None = None
    responsible: str | None = Field(None, description="username; null for nobody")
    assignees: list[str] | None = Field(None, max_length=50)
    team: int | None = None
    category: int | None = None
    priority: PriorityIn | None = None
    description: str | None = Field(None, max_length=TEXT)
    channel: ChannelIn | None = None
    received_on: IsoDate | None = None
    deadline: IsoDate | None = None
    external_ref: str | None = Field(None, max_length=80)
    resolution: ResolutionIn | None = None
    resolution_notes: str | None = Field(None, max_length=TEXT)
    resolution_cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)


class MoveIn(StrictIn):
    version: int | None = Field(None, ge=1, description="the version you read; omit to skip the check")
    reason: str = Field("", max_length=TEXT, description="needed to cancel and to reopen")
    closing_note: str = Field("", max_length=TEXT, description="needed to close")
    acknowledge: bool = Field(False, description="on opening: mail the customer an acknowledgement")


class CloseIn(StrictIn):
    """Close in one call: the resolution given and the closing note. Omitted resolution fields keep their values."""

    version: int | None = Field(None, ge=1, description="the version you read; omit to skip the check")
    resolution: ResolutionIn | None = None
    resolution_notes: str | None = Field(None, max_length=TEXT)
    resolution_cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    closing_note: str = Field("", max_length=TEXT)


class CauseIn(StrictIn):
    category: CauseCategoryIn
    description: str = Field(min_length=1, max_length=TEXT)
    our_fault: bool = False


class ActionIn(StrictIn):
    kind: ActionKindIn
    description: str = Field(min_length=1, max_length=TEXT)
    owner: str | None = Field(None, description="username")
    due_on: IsoDate | None = None
    done_on: IsoDate | None = None
    effectiveness_check: str = Field("", max_length=TEXT)
    carried_over: bool = False


class ActionUpdateIn(StrictIn):
    kind: ActionKindIn | None = None
    description: str | None = Field(None, min_length=1, max_length=TEXT)
    owner: str | None = None
    due_on: IsoDate | None = None
    done_on: IsoDate | None = None
    effectiveness_check: str | None = Field(None, max_length=TEXT)
    carried_over: bool | None = None


class RepairIn(StrictIn):
    reference: str = Field(min_length=1, max_length=60)
    product_code: str = Field("", max_length=60)
    serial: str = Field("", max_length=60)
    description: str = Field("", max_length=TEXT)
    state: RepairStateIn = RepairState.PLANNED
    started_on: IsoDate | None = None
    finished_on: IsoDate | None = None
    cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)


class RepairUpdateIn(StrictIn):
    reference: str | None = Field(None, min_length=1, max_length=60)
    product_code: str | None = Field(None, max_length=60)
    serial: str | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=TEXT)
    state: RepairStateIn | None = None
    started_on: IsoDate | None = None
    finished_on: IsoDate | None = None
    cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)


class CategoryOut(Schema):
    id: int
    kind: str
    name: str
    default_deadline_days: int | None
    is_active: bool


# Helpers


def _user(field: str, username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise services.InvalidInput(fields={field: [_("No active user has this username.")]})
    return user


def _users(field: str, usernames: list[str]) -> list[User]:
    return [user for name in usernames if name and (user := _user(field, name)) is not None]


def _claim_data(payload: dict) -> dict:
    if "responsible" in payload:
        payload["responsible"] = _user("responsible", payload["responsible"])
    if "assignees" in payload:
        payload["assignees"] = _users("assignees", payload["assignees"] or [])
    for field in ("channel", "received_on"):
        if field in payload and payload[field] is None:
            del payload[field]  # the model's default
    return payload


def _visible(request, claim_id: int) -> Claim:
    return get_visible_or_404(Claim, request.auth, pk=claim_id)


def _fresh(claim: Claim) -> Claim:
    return get_object_or_404(selectors.claim_detail_queryset(), pk=claim.pk)


def _list_filters(filters: ClaimFilters) -> dict:
    values = filters.dict(exclude={"q", "sort", "overdue", "origin_type"}, exclude_none=True)
    if filters.overdue:
        values["overdue"] = "1"
    if filters.origin_type:
        values["origin"] = filters.origin_type
    return values


# Claims


@router.get("", response=Page[ClaimOut], summary="List the claims you may see")
def list_claims(request, filters: Query[ClaimFilters], page: Query[PageIn]):
    params = list_params(selectors.CLAIM_LIST, q=filters.q, sort=filters.sort, filters=_list_filters(filters))
    claims = selectors.claim_list(request.auth, params).prefetch_related("assignees")
    return paginate(selectors.claim_pages(claims, params), page)


@router.get("/categories", response=list[CategoryOut], summary="The categories you may use or configure")
def list_categories(request):
    kinds = access.creatable_kinds(request.auth) | access.configurable_kinds(request.auth)
    return list(Category.objects.filter(kind__in=kinds).order_by("kind", "name"))


@router.get(
    "/{int:claim_id}", response=ClaimDetailOut, summary="Read a claim with its origins, causes, actions, repairs"
)
def read_claim(request, claim_id: int):
    return get_visible_or_404(selectors.claim_detail_queryset(), request.auth, pk=claim_id)


@router.post(
    "", response={200: ClaimDetailOut, 201: ClaimDetailOut}, summary="Create a claim (idempotent on external_ref)"
)
def create_claim(request, payload: ClaimCreateIn):
    data = _claim_data(payload.dict())
    if data.get("external_ref"):
        claim, created = services.claim_create_from_erp(by=request.auth, data=data)
    else:
        data.pop("external_ref", None)
        claim, created = services.claim_create(by=request.auth, data=data), True
    return Status(201 if created else 200, _fresh(claim))


@router.patch("/{int:claim_id}", response=ClaimDetailOut, summary="Change a claim (send the version you read)")
def update_claim(request, claim_id: int, payload: ClaimUpdateIn):
    claim = _visible(request, claim_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    services.claim_update(claim=claim, by=request.auth, data=_claim_data(data), version=version)
    return _fresh(claim)


def _move_endpoint(move: str):
    def endpoint(request, claim_id: int, payload: MoveIn):
        claim = _visible(request, claim_id)
        services.claim_move(claim=claim, by=request.auth, move=move, **payload.dict())
        return _fresh(claim)

    endpoint.__name__ = f"{move}_claim"
    return endpoint


for _move in ("open", "cancel", "reopen"):
    router.post(f"/{{int:claim_id}}/{_move}", response=ClaimDetailOut, summary=f"Move: {_move}")(_move_endpoint(_move))


@router.post("/{int:claim_id}/close", response=ClaimDetailOut, summary="Close, with the resolution, in one call")
def close_claim(request, claim_id: int, payload: CloseIn):
    """Records the resolution (omitted fields keep their values) and closes; a refused close changes nothing."""
    claim = _visible(request, claim_id)
    given = payload.dict(exclude_unset=True)
    resolution = {name: given.get(name, getattr(claim, name)) for name in ("resolution", "resolution_notes")}
    services.claim_close(
        claim=claim, by=request.auth, version=payload.version, closing_note=payload.closing_note,
        resolution=resolution["resolution"] or "", resolution_notes=resolution["resolution_notes"] or "",
        resolution_cost=given.get("resolution_cost", claim.resolution_cost),
    )  # fmt: skip
    return _fresh(claim)


# Origins, causes, actions, repairs


def _child(model, claim: Claim, pk: int):
    return get_object_or_404(model, pk=pk, claim=claim)


@router.post("/{int:claim_id}/origins", response={201: OriginOut}, summary="Add an origin document")
def add_origin(request, claim_id: int, payload: OriginIn):
    origin = services.origin_add(claim=_visible(request, claim_id), by=request.auth, data=payload.dict())
    return Status(201, OriginDocument.objects.prefetch_related("lines").get(pk=origin.pk))


@router.delete("/{int:claim_id}/origins/{int:origin_id}", response={204: None}, summary="Remove an origin document")
def remove_origin(request, claim_id: int, origin_id: int):
    origin = _child(OriginDocument, _visible(request, claim_id), origin_id)
    services.origin_remove(origin=origin, by=request.auth)
    return Status(204, None)


@router.post("/{int:claim_id}/causes", response={201: CauseOut}, summary="Add a cause")
def add_cause(request, claim_id: int, payload: CauseIn):
    return Status(201, services.cause_add(claim=_visible(request, claim_id), by=request.auth, data=payload.dict()))


@router.delete("/{int:claim_id}/causes/{int:cause_id}", response={204: None}, summary="Remove a cause")
def remove_cause(request, claim_id: int, cause_id: int):
    services.cause_remove(cause=_child(Cause, _visible(request, claim_id), cause_id), by=request.auth)
    return Status(204, None)


def _action_data(payload: dict) -> dict:
    if "owner" in payload:
        payload["owner"] = _user("owner", payload["owner"])
    return payload


@router.post("/{int:claim_id}/actions", response={201: ActionOut}, summary="Add an action")
def add_action(request, claim_id: int, payload: ActionIn):
    claim = _visible(request, claim_id)
    return Status(201, services.action_add(claim=claim, by=request.auth, data=_action_data(payload.dict())))


@router.patch("/{int:claim_id}/actions/{int:action_id}", response=ActionOut, summary="Change an action")
def update_action(request, claim_id: int, action_id: int, payload: ActionUpdateIn):
    action = _child(Action, _visible(request, claim_id), action_id)
    data = _action_data(payload.dict(exclude_unset=True))
    return services.action_update(action=action, by=request.auth, data=data)


@router.delete("/{int:claim_id}/actions/{int:action_id}", response={204: None}, summary="Remove an action")
def remove_action(request, claim_id: int, action_id: int):
    services.action_remove(action=_child(Action, _visible(request, claim_id), action_id), by=request.auth)
    return Status(204, None)


@router.post("/{int:claim_id}/repairs", response={201: RepairOut}, summary="Add a repair")
def add_repair(request, claim_id: int, payload: RepairIn):
    return Status(201, services.repair_add(claim=_visible(request, claim_id), by=request.auth, data=payload.dict()))


@router.patch("/{int:claim_id}/repairs/{int:repair_id}", response=RepairOut, summary="Change a repair")
def update_repair(request, claim_id: int, repair_id: int, payload: RepairUpdateIn):
    repair = _child(Repair, _visible(request, claim_id), repair_id)
    return services.repair_update(repair=repair, by=request.auth, data=payload.dict(exclude_unset=True))


@router.delete("/{int:claim_id}/repairs/{int:repair_id}", response={204: None}, summary="Remove a repair")
def remove_repair(request, claim_id: int, repair_id: int):
    services.repair_remove(repair=_child(Repair, _visible(request, claim_id), repair_id), by=request.auth)
    return Status(204, None)
