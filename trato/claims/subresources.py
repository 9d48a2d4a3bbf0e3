"""Writes to a claim's origin documents, causes, actions and repairs (re-exported by services).

Each write takes the claim as the unit of change: it locks the claim's row, checks ``by`` may change it, and
records one line on the claim's timeline ("Action: — → Corrective: replace the seals · due 2026-03-01").
The claim's version does not move: adding a cause does not make someone's open edit form stale.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from trato.accounts.selectors import assignable_users
from trato.claims.models import Action, Cause, Claim, ClaimProduct, OriginDocument, OriginLine, Repair, State
from trato.claims.validation import ensure_recordable
from trato.core.errors import InvalidInput, NotFound
from trato.core.services import lock_for_change, service_transaction
from trato.core.validation import is_record_id, model_errors, raise_if_any

MAX_ORIGINS = 20
MAX_LINES = 200
ORIGIN_FIELDS = ("doc_type", "number", "date")
LINE_FIELDS = ("product_code", "description", "lot", "quantity", "unit")
CAUSE_FIELDS = ("category", "description", "our_fault")
ACTION_FIELDS = ("kind", "description", "owner", "due_on", "done_on", "effectiveness_check", "carried_over")
REPAIR_FIELDS = (
    "reference", "product_code", "serial", "description", "state", "started_on", "finished_on", "cost",
)  # fmt: skip


# Filling records from input


def _fill(record, data: dict, fields: tuple[str, ...], *, prefix: str = "") -> dict[str, list[str]]:
    """Set ``fields`` from ``data`` (text stripped, owner resolved); unknown keys and invalid values are errors."""
    if not isinstance(data, dict):
        return {prefix.rstrip(".") or "__all__": [_("Enter a valid value.")]}
    errors = {f"{prefix}{name}": [_("This field is not allowed.")] for name in sorted(set(data) - set(fields))}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        if field == "owner":
            error = _set_owner(record, value)
            errors.update({f"{prefix}owner": [error]} if error else {})
        elif isinstance(value, str):
            setattr(record, field, value.strip())
        elif value is None and _is_text(record, field):
            setattr(record, field, "")
        else:
            setattr(record, field, value)
    return errors


def _is_text(record, field: str) -> bool:
    return type(record)._meta.get_field(field).get_internal_type() in ("CharField", "TextField")


def _set_owner(action: Action, value) -> str | None:
    if value in (None, ""):
        action.owner = None
        return None
    pk = getattr(value, "pk", value)
    owner = assignable_users().filter(pk=pk).first() if is_record_id(pk) else None
    if owner is None:
        return _("Choose an active user.")
    action.owner = owner
    return None


def _validated(record, data: dict, fields, *, exclude, prefix: str = "") -> dict[str, list[str]]:
    errors = _fill(record, data, fields, prefix=prefix)
    found = model_errors(record, exclude=exclude)
    return {**errors, **{f"{prefix}{name}": messages for name, messages in found.items()}}


# Timeline lines


def _joined(*parts) -> str:
    return " · ".join(str(part) for part in parts if part not in (None, ""))


def describe_origin(origin: OriginDocument, lines) -> str:
    products = ", ".join(_joined(line.product_code, line.lot) for line in lines)
    return _joined(origin.get_doc_type_display(), origin.number, origin.date and origin.date.isoformat(), products)


def describe_cause(cause: Cause) -> str:
    return _joined(cause.get_category_display(), cause.description, _("our fault") if cause.our_fault else "")


def describe_action(action: Action) -> str:
    return _joined(
        action.get_kind_display(),
        action.description,
        action.owner and action.owner.get_full_name(),
        action.due_on and _("due %(date)s") % {"date": action.due_on.isoformat()},
        action.done_on and _("done %(date)s") % {"date": action.done_on.isoformat()},
        _("carried over") if action.carried_over else "",
    )


def describe_repair(repair: Repair) -> str:
    return _joined(repair.reference, repair.product_code, repair.serial, repair.get_state_display(), repair.cost)


def _record(claim: Claim, by, field: str, old: str, new: str) -> None:
    from trato.timeline.services import changes_record

    changes_record(record=claim, by=by, before={field: old}, after={field: new})


def _take(claim: Claim, by, *, closed_ok: bool = False) -> Claim:
    locked = lock_for_change(claim, by=by)
    if not (closed_ok and locked.state == State.CLOSED):
        ensure_recordable(locked)
    return locked


def _own(model, record, claim: Claim):
    """``record`` as it is now, if it still belongs to ``claim`` (someone may have removed it meanwhile)."""
    current = model.objects.filter(pk=record.pk, claim=claim).first()
    if current is None:
        raise NotFound()
    return current


# Origin documents


def _origin_and_lines(claim: Claim, data: dict, prefix: str) -> tuple[OriginDocument, list[OriginLine], dict]:
    data = dict(data) if isinstance(data, dict) else {}
    lines_data = data.pop("lines", None) or []
    origin = OriginDocument(claim=claim)
    errors = _validated(origin, data, ORIGIN_FIELDS, exclude=["claim"], prefix=prefix)
    if not isinstance(lines_data, list) or len(lines_data) > MAX_LINES:
        return origin, [], {**errors, f"{prefix}lines": [_("Send at most %(count)s lines.") % {"count": MAX_LINES}]}
    lines = []
    for index, line_data in enumerate(lines_data):
        line = OriginLine()
        errors.update(_validated(line, line_data, LINE_FIELDS, exclude=["document"], prefix=f"{prefix}lines.{index}."))
        lines.append(line)
    return origin, lines, errors


def origins_create(*, claim: Claim, origins) -> list[OriginDocument]:
    """Store origin documents with their lines, all or none. The caller holds the claim and checks permission."""
    origins = list(origins or ())
    if len(origins) > MAX_ORIGINS:
        raise InvalidInput(fields={"origins": [_("Send at most %(count)s documents.") % {"count": MAX_ORIGINS}]})
    built, errors = [], {}
    for index, data in enumerate(origins):
        origin, lines, found = _origin_and_lines(claim, data, f"origins.{index}." if len(origins) > 1 else "")
        built.append((origin, lines))
        errors.update(found)
    raise_if_any(errors)
    with transaction.atomic():
        for origin, lines in built:
            origin.save()
            for line in lines:
                line.document = origin
            OriginLine.objects.bulk_create(lines)
        ClaimProduct.objects.refresh([claim.pk])
    return [origin for origin, _lines in built]


def origin_add(*, claim: Claim, by, data: dict) -> OriginDocument:
    """An ERP document the claim came from, with its affected lines."""
    with service_transaction():
        locked = _take(claim, by)
        origin = origins_create(claim=locked, origins=[data])[0]
        _record(locked, by, "origin_document", "", describe_origin(origin, origin.lines.all()))
    return origin


def origin_remove(*, origin: OriginDocument, by) -> None:
    with service_transaction():
        claim = _take(origin.claim, by)
        origin = _own(OriginDocument, origin, claim)
        text = describe_origin(origin, origin.lines.all())
        origin.delete()
        ClaimProduct.objects.refresh([claim.pk])
        _record(claim, by, "origin_document", text, "")


# Causes, actions and repairs: one way to add, change and remove each


def _add(model, fields, describe, *, claim: Claim, by, data: dict):
    """A new ``model`` row on ``claim``: permission first, then the input, then one line on the timeline."""
    with service_transaction():
        locked = _take(claim, by)
        record = model(claim=locked)
        raise_if_any(_validated(record, data, fields, exclude=["claim"]))
        record.save()
        _record(locked, by, model._meta.model_name, "", describe(record))
    return record


def _update(model, fields, describe, *, record, by, data: dict):
    """Change a row; also on a closed claim, where carried-over actions and repairs go on after closing."""
    with service_transaction():
        claim = _take(record.claim, by, closed_ok=True)
        current = _own(model, record, claim)
        before = describe(current)
        raise_if_any(_validated(current, data, fields, exclude=["claim"]))
        current.save()
        _record(claim, by, model._meta.model_name, before, describe(current))
    return current


def _remove(model, describe, *, record, by) -> None:
    with service_transaction():
        claim = _take(record.claim, by)
        current = _own(model, record, claim)
        text = describe(current)
        current.delete()
        _record(claim, by, model._meta.model_name, text, "")


def cause_add(*, claim: Claim, by, data: dict) -> Cause:
    return _add(Cause, CAUSE_FIELDS, describe_cause, claim=claim, by=by, data=data)


def cause_remove(*, cause: Cause, by) -> None:
    _remove(Cause, describe_cause, record=cause, by=by)


def action_add(*, claim: Claim, by, data: dict) -> Action:
    return _add(Action, ACTION_FIELDS, describe_action, claim=claim, by=by, data=data)


def action_update(*, action: Action, by, data: dict) -> Action:
    """Also on a closed claim: actions carried over at closing are completed and checked afterwards."""
    return _update(Action, ACTION_FIELDS, describe_action, record=action, by=by, data=data)


def action_remove(*, action: Action, by) -> None:
    _remove(Action, describe_action, record=action, by=by)


def repair_add(*, claim: Claim, by, data: dict) -> Repair:
    return _add(Repair, REPAIR_FIELDS, describe_repair, claim=claim, by=by, data=data)


def repair_update(*, repair: Repair, by, data: dict) -> Repair:
    """Also on a closed claim: a repair goes on after the claim is settled."""
    return _update(Repair, REPAIR_FIELDS, describe_repair, record=repair, by=by, data=data)


def repair_remove(*, repair: Repair, by) -> None:
    _remove(Repair, describe_repair, record=repair, by=by)
