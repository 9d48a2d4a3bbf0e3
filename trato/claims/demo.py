# ruff: noqa: C408 — the demo claims read best as keyword calls, one field per name.
"""Demo claims: twenty customer claims, supplier non-conformities and internal ones of every state, over six months.

Idempotent, keyed on the ERP reference (``DEMO-001``…): a claim that exists is left alone. Claims are written
through the services (numbers, origins, causes, actions, repairs, moves on the timeline) by the demo users of
trato.accounts.demo, on the demo companies of trato.partners.demo; moves are made by the responsible person, so
opening sends nobody a notification. The services stamp moves with the current time, so the dates of the story
(opened, closed, time to close) are set afterwards: the reports need claims spread over the months.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from trato.accounts.models import User
from trato.claims import services
from trato.claims.models import (
    ActionKind,
    Category,
    CauseCategory,
    Channel,
    Claim,
    Kind,
    OriginType,
    Priority,
    RepairState,
    Resolution,
)
from trato.partners.models import Contact, Partner

CUSTOMER, SUPPLIER, INTERNAL = Kind.CUSTOMER, Kind.SUPPLIER, Kind.INTERNAL

# kind -> [(name, default deadline in days)]
CATEGORIES = {
    CUSTOMER: [("Producto defectuoso", 15), ("Retraso en la entrega", 7), ("Error de facturación", 10),
               ("Daños en el transporte", 10)],
    SUPPLIER: [("Material no conforme", 20), ("Documentación incompleta", 10), ("Retraso del proveedor", 10)],
    INTERNAL: [("Fabricación", 30), ("Almacén", 15)],
}  # fmt: skip
CREATOR = {CUSTOMER: "postventa", SUPPLIER: "compras", INTERNAL: "calidad"}
MANAGER = {CUSTOMER: "jpostventa", SUPPLIER: "jcompras", INTERNAL: "calidad"}

GR, DEL, DEL_RET, INV, MO, SO, PO, GR_RET = (
    OriginType.GOODS_RECEIPT, OriginType.DELIVERY, OriginType.DELIVERY_RETURN, OriginType.INVOICE,
    OriginType.MANUFACTURING_ORDER, OriginType.SALES_ORDER, OriginType.PURCHASE_ORDER, OriginType.RECEIPT_RETURN,
)  # fmt: skip


def _origin(doc_type, number, days_ago, *lines):
    """An origin document; each line is (product code, description, lot, quantity, unit)."""
    return {"doc_type": doc_type, "number": number, "days_ago": days_ago, "lines": lines}


# Each claim: ref, kind, partner ref, contact email, responsible, category, priority, channel, received (days ago),
# subject, description, origins, causes (category, description, our fault), actions (kind, description, done),
# repairs (reference, product, serial, state, cost), resolution, cost, story (final state, days to close).
CLAIMS: list[dict[str, Any]] = [
    dict(ref="DEMO-001", kind=CUSTOMER, partner="C-0001", contact="m.lasheras@talleresebro.es", responsible="postventa",
         category="Producto defectuoso", priority=Priority.HIGH, channel=Channel.EMAIL, received=170,
         subject="Bombas con fuga en el cierre mecánico",
         description="Tres bombas del albarán ALB-2026-0412 pierden aceite por el cierre a las pocas horas de uso.",
         origins=[_origin(DEL, "ALB-2026-0412", 175, ("BC-50", "Bomba centrífuga 50 m³/h", "L2405-17", 3, "ud"))],
         causes=[(CauseCategory.SUPPLIER, "Juntas del cierre fuera de tolerancia (lote del proveedor).", False)],
         actions=[(ActionKind.CONTAINMENT, "Bloquear el stock del lote L2405-17.", True),
                  (ActionKind.CORRECTIVE, "Sustituir los cierres de las tres bombas.", True)],
         repairs=[("REP-0101", "BC-50", "SN-881203", RepairState.DONE, "145.00")],
         resolution=Resolution.REPAIR, cost="90.00", story=("closed", 12)),
    dict(ref="DEMO-002", kind=CUSTOMER, partner="C-0002", contact="irevuelta@conservascantabrico.es",
         responsible="postventa", category="Retraso en la entrega", priority=Priority.NORMAL, channel=Channel.PHONE,
         received=150, subject="Pedido de envases entregado con cuatro días de retraso",
         description="El cliente paró una línea de envasado medio turno por el retraso del pedido PV-2026-0231.",
         origins=[_origin(SO, "PV-2026-0231", 160, ("EN-330", "Envase metálico 330 ml", "", 12000, "ud")),
                  _origin(DEL, "ALB-2026-0488", 150)],
         causes=[(CauseCategory.TRANSPORT, "La agencia perdió el hueco de carga del lunes.", False)],
         actions=[(ActionKind.PREVENTIVE, "Reservar transporte con 48 h de antelación para este cliente.", True)],
         resolution=Resolution.CREDIT_NOTE, cost="250.00", story=("closed", 6)),
    dict(ref="DEMO-003", kind=CUSTOMER, partner="C-0004", contact="rocio.benjumea@deguadalquivir.es",
         responsible="jpostventa", category="Error de facturación", priority=Priority.LOW, channel=Channel.EMAIL,
         received=140, subject="Factura con precio de tarifa antigua",
         description="La factura FV-2026-0877 aplica la tarifa de 2025 en las líneas de cable.",
         origins=[_origin(INV, "FV-2026-0877", 142, ("CB-2.5", "Cable 2,5 mm² (rollo 100 m)", "", 40, "rollo"))],
         causes=[(CauseCategory.OTHER, "Tarifa del cliente sin actualizar en el ERP.", True)],
         actions=[(ActionKind.CORRECTIVE, "Actualizar la tarifa del cliente en el ERP.", True)],
         resolution=Resolution.CREDIT_NOTE, cost="312.40", story=("closed", 3)),
    dict(ref="DEMO-004", kind=CUSTOMER, partner="C-0003", contact="encarna@muebleslevante.es",
         responsible="postventa", category="Daños en el transporte", priority=Priority.NORMAL, channel=Channel.VISIT,
         received=120, subject="Tableros rayados en la descarga",
         description="Seis tableros llegaron con rayas profundas; el conductor firmó el albarán con reservas.",
         origins=[_origin(DEL, "ALB-2026-0610", 121, ("TB-19", "Tablero melamina 19 mm", "L2407-02", 6, "ud"))],
         causes=[(CauseCategory.TRANSPORT, "Carga sin cantoneras.", True)],
         actions=[(ActionKind.CORRECTIVE, "Reponer los seis tableros.", True),
                  (ActionKind.PREVENTIVE, "Cantoneras obligatorias en la carga de tableros.", True)],
         resolution=Resolution.REPLACEMENT, cost="186.00", story=("closed", 9)),
    dict(ref="DEMO-005", kind=CUSTOMER, partner="CS-0001", contact="taller@fmaragon.es", responsible="postventa",
         category="Producto defectuoso", priority=Priority.URGENT, channel=Channel.PHONE, received=95,
         subject="Reductor con ruido anómalo a los diez días",
         description="El reductor instalado en la línea 2 hace ruido metálico; piden revisión urgente.",
         origins=[_origin(DEL, "ALB-2026-0733", 110, ("RD-40", "Reductor sinfín 1:40", "SN-RD40-5521", 1, "ud"))],
         causes=[(CauseCategory.MANUFACTURING, "Rodamiento montado sin precarga.", True)],
         actions=[(ActionKind.CORRECTIVE, "Reparar en taller y devolver.", True),
                  (ActionKind.PREVENTIVE, "Añadir control de precarga en el montaje.", False)],
         repairs=[("REP-0117", "RD-40", "SN-RD40-5521", RepairState.DONE, "220.00")],
         resolution=Resolution.REPAIR, cost=None, story=("closed", 21)),
    dict(ref="DEMO-006", kind=CUSTOMER, partner="C-0006", contact=None, responsible="postventa",
         category="Retraso en la entrega", priority=Priority.NORMAL, channel=Channel.EMAIL, received=80,
         subject="Pedido de etiquetas sin fecha de entrega",
         description="Reclaman el pedido PV-2026-0390; no tienen confirmación de fecha.",
         origins=[_origin(SO, "PV-2026-0390", 90)], story=("cancelled", 2)),
    dict(ref="DEMO-007", kind=CUSTOMER, partner="C-0005", contact="v.llorens@ceramicascastellon.es",
         responsible="jpostventa", category="Producto defectuoso", priority=Priority.HIGH, channel=Channel.EMAIL,
         received=60, subject="Palets de esmalte con grumos",
         description="Dos palets del lote E-2409 presentan grumos; el cliente ha parado el horno de esmaltado.",
         origins=[_origin(DEL, "ALB-2026-0902", 63, ("ES-BL", "Esmalte blanco brillo", "E-2409", 2, "palet")),
                  _origin(DEL_RET, "DEV-2026-0044", 55, ("ES-BL", "Esmalte blanco brillo", "E-2409", 2, "palet"))],
         causes=[(CauseCategory.MANUFACTURING, "Molienda incompleta del lote.", True)],
         actions=[(ActionKind.CONTAINMENT, "Retirar el lote E-2409 de todos los clientes.", True),
                  (ActionKind.CORRECTIVE, "Revisar el tamiz del molino 3.", False)],
         resolution=Resolution.RETURN, cost="1420.00", story=("open", None)),
    dict(ref="DEMO-008", kind=CUSTOMER, partner="C-0007", contact=None, responsible="postventa",
         category="Producto defectuoso", priority=Priority.NORMAL, channel=Channel.WEB, received=40,
         subject="Cilindro hidráulico pierde presión",
         description="El cilindro CH-80 no mantiene la presión con carga; solicitan sustitución.",
         origins=[_origin(DEL, "ALB-2026-1010", 48, ("CH-80", "Cilindro hidráulico 80/45", "SN-CH80-1207", 1, "ud"))],
         repairs=[("REP-0131", "CH-80", "SN-CH80-1207", RepairState.IN_REPAIR, None)],
         story=("open", None)),
    dict(ref="DEMO-009", kind=CUSTOMER, partner="C-0001", contact="calidad@talleresebro.es", responsible="postventa",
         category="Producto defectuoso", priority=Priority.HIGH, channel=Channel.EMAIL, received=25,
         subject="Bomba del mismo lote vuelve a fallar",
         description="Tras la reparación anterior, otra bomba del lote L2405-17 pierde aceite.",
         origins=[_origin(DEL, "ALB-2026-1133", 30, ("BC-50", "Bomba centrífuga 50 m³/h", "L2405-17", 1, "ud"))],
         causes=[(CauseCategory.SUPPLIER, "Mismo defecto de juntas del proveedor.", False)],
         actions=[(ActionKind.CORRECTIVE, "Sustituir el cierre.", True)],
         resolution=Resolution.REPAIR, cost="60.00", story=("reopened", 5)),
    dict(ref="DEMO-010", kind=CUSTOMER, partner="C-0003", contact="encarna@muebleslevante.es", responsible=None,
         category=None, priority=Priority.NORMAL, channel=Channel.EMAIL, received=2,
         subject="Muestras con medidas distintas al plano",
         description="Las piezas de muestra del último envío no coinciden con el plano 4471-B.",
         story=("draft", None)),
    dict(ref="DEMO-011", kind=SUPPLIER, partner="S-0001", contact="k.urrutia@acerosnorte.es", responsible="compras",
         category="Material no conforme", priority=Priority.HIGH, channel=Channel.INTERNAL, received=165,
         subject="Chapa con espesor fuera de tolerancia",
         description="La recepción AR-2026-0301 mide 2,7 mm donde el pedido pide 3,0 ± 0,1 mm.",
         origins=[_origin(GR, "AR-2026-0301", 166, ("CH-3", "Chapa S235 3 mm", "C-88123", 4.2, "t")),
                  _origin(PO, "PC-2026-0120", 190)],
         causes=[(CauseCategory.SUPPLIER, "Laminación fuera de especificación.", False)],
         actions=[(ActionKind.CONTAINMENT, "Bloquear la colada C-88123.", True),
                  (ActionKind.CORRECTIVE, "Devolver el material y pedir reposición.", True)],
         resolution=Resolution.RETURN, cost="380.00", story=("closed", 15)),
    dict(ref="DEMO-012", kind=SUPPLIER, partner="S-0001", contact="k.urrutia@acerosnorte.es", responsible="jcompras",
         category="Documentación incompleta", priority=Priority.NORMAL, channel=Channel.EMAIL, received=130,
         subject="Entrega sin certificado de material 3.1",
         description="La recepción AR-2026-0455 llegó sin el certificado 3.1 de la colada.",
         origins=[_origin(GR, "AR-2026-0455", 131, ("TB-40", "Tubo 40x40x2", "C-90211", 1.5, "t"))],
         causes=[(CauseCategory.SUPPLIER, "El proveedor no adjuntó el certificado.", False)],
         actions=[(ActionKind.CORRECTIVE, "Pedir el certificado y archivarlo.", True)],
         resolution=Resolution.OTHER, cost=None, story=("closed", 4)),
    dict(ref="DEMO-013", kind=SUPPLIER, partner="S-0002", contact="paco@transruiz.es", responsible="jcompras",
         category="Retraso del proveedor", priority=Priority.NORMAL, channel=Channel.PHONE, received=100,
         subject="Recogida no realizada en la fecha acordada",
         description="Transportes Ruiz no recogió la carga del 12; la entrega al cliente se retrasó.",
         origins=[_origin(PO, "PC-2026-0277", 105)],
         causes=[(CauseCategory.TRANSPORT, "Falta de camión disponible.", False)],
         actions=[(ActionKind.PREVENTIVE, "Confirmar las recogidas por escrito el día anterior.", True)],
         resolution=Resolution.CREDIT_NOTE, cost="95.00", story=("closed", 8)),
    dict(ref="DEMO-014", kind=SUPPLIER, partner="S-0003", contact="mferre@quimicatarragona.es",
         responsible="compras", category="Material no conforme", priority=Priority.URGENT, channel=Channel.EMAIL,
         received=70, subject="Resina con viscosidad fuera de ficha técnica",
         description="Dos bidones del lote QT-5521 con viscosidad un 30 % superior a la ficha.",
         origins=[_origin(GR, "AR-2026-0688", 72, ("RS-20", "Resina epoxi 20 kg", "QT-5521", 2, "bidón")),
                  _origin(GR_RET, "DAR-2026-0031", 66, ("RS-20", "Resina epoxi 20 kg", "QT-5521", 2, "bidón"))],
         causes=[(CauseCategory.SUPPLIER, "Almacenaje del proveedor a baja temperatura.", False)],
         actions=[(ActionKind.CONTAINMENT, "Separar los bidones del lote.", True),
                  (ActionKind.CORRECTIVE, "Auditoría al almacén del proveedor.", False)],
         resolution=Resolution.REPLACEMENT, cost="540.00", story=("open", None)),
    dict(ref="DEMO-015", kind=SUPPLIER, partner="CS-0001", contact="pilar@fmaragon.es", responsible="compras",
         category="Material no conforme", priority=Priority.NORMAL, channel=Channel.INTERNAL, received=35,
         subject="Piezas fundidas con poros",
         description="El 8 % de las carcasas fundidas de la recepción AR-2026-0901 tienen poros visibles.",
         origins=[_origin(GR, "AR-2026-0901", 36, ("CF-12", "Carcasa fundida bomba 12", "F-7781", 250, "ud"))],
         story=("open", None)),
    dict(ref="DEMO-016", kind=SUPPLIER, partner="S-0004", contact=None, responsible=None, category=None,
         priority=Priority.LOW, channel=Channel.INTERNAL, received=5,
         subject="Cajas con impresión borrosa",
         description="El último pedido de cajas tiene el logotipo borroso.", story=("draft", None)),
    dict(ref="DEMO-017", kind=INTERNAL, partner=None, contact=None, responsible="calidad", category="Fabricación",
         priority=Priority.HIGH, channel=Channel.INTERNAL, received=155,
         subject="Soldaduras sin penetración en bastidores",
         description="Inspección final: cuatro bastidores de la OF-2026-0140 con falta de penetración.",
         origins=[_origin(MO, "OF-2026-0140", 158, ("BS-200", "Bastidor soldado 200", "", 4, "ud"))],
         causes=[(CauseCategory.MANUFACTURING, "Parámetros de soldadura cambiados sin registro.", True)],
         actions=[(ActionKind.CORRECTIVE, "Resoldar los cuatro bastidores.", True),
                  (ActionKind.PREVENTIVE, "Bloquear los parámetros del robot con clave.", True)],
         repairs=[("REP-0098", "BS-200", "", RepairState.DONE, "310.00")],
         resolution=Resolution.REPAIR, cost=None, story=("closed", 18)),
    dict(ref="DEMO-018", kind=INTERNAL, partner=None, contact=None, responsible="calidad", category="Almacén",
         priority=Priority.NORMAL, channel=Channel.INTERNAL, received=85,
         subject="Stock de rodamientos con ubicación errónea",
         description="El inventario cíclico encontró 40 rodamientos en una ubicación de otro artículo.",
         causes=[(CauseCategory.USER_ERROR, "Ubicación tecleada a mano en la entrada.", True)],
         actions=[(ActionKind.CORRECTIVE, "Reubicar y regularizar.", True)],
         resolution=Resolution.OTHER, cost=None, story=("closed", 2)),
    dict(ref="DEMO-019", kind=INTERNAL, partner=None, contact=None, responsible="calidad", category="Fabricación",
         priority=Priority.NORMAL, channel=Channel.INTERNAL, received=20,
         subject="Desviación de par de apriete en la línea 3",
         description="La llave dinamométrica de la línea 3 está fuera de calibración desde la última revisión.",
         origins=[_origin(MO, "OF-2026-0388", 22, ("RD-40", "Reductor sinfín 1:40", "", 30, "ud"))],
         actions=[(ActionKind.CONTAINMENT, "Revisar el par de los 30 reductores montados.", False)],
         story=("open", None)),
    dict(ref="DEMO-020", kind=INTERNAL, partner=None, contact=None, responsible=None, category=None,
         priority=Priority.LOW, channel=Channel.INTERNAL, received=1,
         subject="Etiquetas de lote ilegibles en el almacén B",
         description="Varias etiquetas de lote se han despegado con la humedad.", story=("draft", None)),
]  # fmt: skip


def _users() -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(is_active=True)}


def _categories(users: dict[str, User]) -> dict[tuple[str, str], Category]:
    """The demo categories per kind, created by each kind's manager when missing."""
    existing = {(c.kind, c.name): c for c in Category.objects.all()}
    for kind, rows in CATEGORIES.items():
        for name, days in rows:
            if (kind, name) not in existing:
                data = {"kind": kind, "name": name, "default_deadline_days": days}
                existing[(kind, name)] = services.category_save(by=users[MANAGER[kind]], data=data)
    return existing


def _origins(spec: dict, today: datetime.date) -> list[dict]:
    return [
        {
            "doc_type": origin["doc_type"],
            "number": origin["number"],
            "date": today - datetime.timedelta(days=origin["days_ago"]),
            "lines": [
                {"product_code": code, "description": text, "lot": lot, "quantity": Decimal(str(qty)), "unit": unit}
                for code, text, lot, qty, unit in origin["lines"]
            ],
        }
        for origin in spec.get("origins", ())
    ]


def _claim_data(spec: dict, users, categories, today: datetime.date) -> dict:
    partner = Partner.objects.filter(ref=spec["partner"]).first() if spec["partner"] else None
    contact = Contact.objects.filter(partner=partner, email=spec["contact"]).first() if spec["contact"] else None
    category = categories[(spec["kind"], spec["category"])] if spec["category"] else None
    return {
        "kind": spec["kind"], "external_ref": spec["ref"], "subject": spec["subject"],
        "description": spec["description"], "partner": partner, "contact": contact,
        "responsible": users.get(spec["responsible"]) if spec["responsible"] else None, "category": category,
        "priority": spec["priority"], "channel": spec["channel"],
        "received_on": today - datetime.timedelta(days=spec["received"]), "origins": _origins(spec, today),
        "resolution": spec.get("resolution", ""),
        "resolution_cost": Decimal(spec["cost"]) if spec.get("cost") else None,
    }  # fmt: skip


def _record_findings(claim: Claim, spec: dict, by: User, today: datetime.date) -> None:
    for category, description, our_fault in spec.get("causes", ()):
        services.cause_add(claim=claim, by=by, data={"category": category, "description": description,
                                                     "our_fault": our_fault})  # fmt: skip
    for kind, description, done in spec.get("actions", ()):
        done_on = today - datetime.timedelta(days=max(spec["received"] - 3, 0)) if done else None
        carried_over = not done and spec["story"][0] in ("closed", "reopened")  # left open on purpose at closing
        data = {"kind": kind, "description": description, "owner": by, "done_on": done_on,
                "carried_over": carried_over}  # fmt: skip
        services.action_add(claim=claim, by=by, data=data)
    for reference, product, serial, state, cost in spec.get("repairs", ()):
        data = {"reference": reference, "product_code": product, "serial": serial, "state": state,
                "cost": Decimal(cost) if cost else None}  # fmt: skip
        services.repair_add(claim=claim, by=by, data=data)


def _play_story(claim: Claim, spec: dict, by: User) -> Claim:
    state, _days = spec["story"]
    if state == "draft":
        return claim
    if state == "cancelled":
        return services.claim_move(claim=claim, by=by, move="cancel", reason="Duplicada: el cliente ya la envió.")
    claim = services.claim_move(claim=claim, by=by, move="open")
    if state == "open":
        return claim
    claim = services.claim_move(claim=claim, by=by, move="close", closing_note="Resuelta y comunicada al cliente.")
    if state == "reopened":
        claim = services.claim_move(claim=claim, by=by, move="reopen", reason="El cliente informa de que persiste.")
    return claim


def _set_story_dates(claim: Claim, spec: dict, today: datetime.date) -> None:
    """Move the timestamps the services set to now back to when the story happened."""
    state, days_to_close = spec["story"]
    received = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 30))) - datetime.timedelta(
        days=spec["received"]
    )
    dates: dict[str, datetime.datetime | datetime.timedelta] = {"created_at": received}
    if state in ("open", "closed", "reopened"):
        dates["opened_at"] = received + datetime.timedelta(hours=3)
    if state == "closed":
        opened_at = received + datetime.timedelta(hours=3)
        closed_at = opened_at + datetime.timedelta(days=days_to_close, hours=5)
        dates.update(closed_at=closed_at, time_to_close=closed_at - opened_at)
    Claim.objects.filter(pk=claim.pk).update(**dates)


def _load_claim(spec: dict, users, categories, today: datetime.date) -> None:
    creator, responsible = users[CREATOR[spec["kind"]]], users.get(spec["responsible"] or "")
    claim, created = services.claim_create_from_erp(by=creator, data=_claim_data(spec, users, categories, today))
    if not created:
        return
    actor = responsible or creator  # the responsible person works the claim, so opening notifies nobody
    if spec["story"][0] != "draft":
        _record_findings(claim, spec, actor, today)
    _play_story(claim, spec, actor)
    _set_story_dates(claim, spec, today)


def load() -> None:
    """Create the demo claims that are missing (by ERP reference); leave existing ones alone."""
    users = _users()
    if any(username not in users for username in (*CREATOR.values(), *MANAGER.values())):
        return  # the accounts demo runs first; without its users nobody can write the claims
    if Claim.objects.filter(external_ref__in=[spec["ref"] for spec in CLAIMS]).count() == len(CLAIMS):
        return
    categories = _categories(users)
    today = timezone.localdate()
    for spec in CLAIMS:
        _load_claim(spec, users, categories, today)
