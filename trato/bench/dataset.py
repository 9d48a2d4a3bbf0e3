# ruff: noqa: E501  (SQL reads best one clause a line, even a long one)
"""A realistic data set for the bench, built inside PostgreSQL (INSERT … SELECT over generate_series).

Sizes come from the caller (`manage.py bench --claims 200000 …`); the shapes follow what a distributor's CRM holds
after a few years: most claims are customers', a fifth are supplier non-conformities, a few are internal; older
claims are closed; a claim has one or two origin documents with about two lines each, from a catalogue of a few
thousand products; timelines hold several entries per claim and a few per partner. Random values come from
PostgreSQL's random() after setseed(), so the same sizes give the same data.

Columns this module does not name get the model field's default (or NULL), so a new field does not break the
builder; a new NOT NULL field without a default does, with its name in the error.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from psycopg import sql

from trato.accounts.models import User
from trato.accounts.roles import Role
from trato.claims.models import (
    Action,
    Category,
    Cause,
    Claim,
    ClaimProduct,
    Kind,
    OriginDocument,
    OriginLine,
    Repair,
)
from trato.partners.models import Contact, Partner
from trato.timeline.models import Entry

PASSWORD = "bench"  # the bench's users exist only in the bench's own database


@dataclass(frozen=True)
class Sizes:
    claims: int = 200_000
    partners: int = 100_000
    entries: int = 1_000_000
    products: int = 5_000
    people: int = 40  # after-sales, purchasing and sales colleagues who own claims and customers

    @classmethod
    def small(cls) -> "Sizes":
        """What the test suite builds: enough rows for the planner to show its real choices, in seconds."""
        return cls(claims=3_000, partners=1_500, entries=12_000, products=200, people=8)


# The roles the bench reads as. The sales user is salesperson of a tenth of the customers.
BENCH_USERS = {
    "bench_admin": Role.ADMINISTRATOR,
    "bench_aftersales": Role.AFTER_SALES_USER,
    "bench_sales": Role.SALES_USER,
    "bench_purchasing": Role.PURCHASING_USER,
    "bench_quality": Role.QUALITY_MANAGER,
}

NAME_WORDS_1 = "Talleres Industrias Suministros Distribuciones Hierros Plásticos Componentes Maquinaria Montajes Aceros"
NAME_WORDS_2 = "Norte Levante Ibérica Atlántico Castellana Cantábrico Mediterráneo Central Andaluza Gallega Vasca Rioja"
CITIES = "Madrid Barcelona Valencia Sevilla Zaragoza Bilbao Vigo Valladolid Murcia Pamplona Logroño Burgos"
FIRST_NAMES = "Ana Luis María Javier Carmen Pedro Lucía Jorge Elena Pablo Marta Sergio Laura Diego Sara Iván"
LAST_NAMES = "García López Martínez Sánchez Pérez Gómez Ruiz Díaz Moreno Álvarez Romero Navarro Torres Gil Vidal"
SUBJECTS = (
    "Piezas con rebabas|Entrega incompleta|Embalaje dañado|Medidas fuera de tolerancia|Óxido en superficie|"
    "Lote mal etiquetado|Retraso en la entrega|Factura con precio erróneo|Rotura en transporte|Pintura defectuosa"
)


def _words(text: str, sep: str = " ") -> str:
    return "ARRAY[" + ",".join("'" + word + "'" for word in text.split(sep)) + "]"


def _pick(array_sql: str) -> str:
    return f"({array_sql})[1 + floor(random() * cardinality({array_sql}))::int]"


def _literal(value: object) -> str:
    connection.ensure_connection()
    return sql.Literal(value).as_string(connection.connection)


def _insert(model: type[models.Model], values: dict[str, str], source: str) -> None:
    """INSERT INTO the model's table (columns) SELECT values FROM source; other columns get their defaults."""
    table = model._meta.db_table
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in values:
            columns.append(column)
            expressions.append(values[column])
        elif field.primary_key:
            continue
        elif field.has_default() or not field.null:
            if not field.has_default() and not field.blank:
                raise ValueError(f"{table}.{column}: the bench builder needs a value for this NOT NULL column.")
            columns.append(column)
            default = field.get_default() if field.has_default() else ""
            expressions.append(_literal(field.get_db_prep_save(default, connection)))
    unknown = set(values) - set(columns)
    if unknown:
        raise ValueError(f"{table}: no such columns {sorted(unknown)}")
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)  # no parameters: the SQL is ours, and its % signs are modulo


def _users(sizes: Sizes) -> dict[str, User]:
    users = {}
    for username, role in BENCH_USERS.items():
        user = User.objects.create_user(username, f"{username}@bench.invalid", PASSWORD, first_name=username[6:])
        user.is_superuser = role == Role.ADMINISTRATOR
        user.save(update_fields=["is_superuser"])
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    roles = [Role.AFTER_SALES_USER, Role.PURCHASING_USER, Role.SALES_USER, Role.QUALITY_MANAGER]
    for n in range(sizes.people):
        person = User.objects.create_user(f"bench_person{n:03d}", f"person{n}@bench.invalid", PASSWORD)
        person.groups.add(Group.objects.get(name=roles[n % len(roles)]))
    return users


def _categories() -> None:
    names = {
        Kind.CUSTOMER: ["Calidad de producto", "Logística", "Facturación", "Servicio técnico"],
        Kind.SUPPLIER: ["Material no conforme", "Retraso de proveedor", "Documentación"],
        Kind.INTERNAL: ["Proceso", "Auditoría"],
    }
    Category.objects.bulk_create(
        [Category(kind=kind, name=name, default_deadline_days=30) for kind, kinds in names.items() for name in kinds]
    )


def _partners(sizes: Sizes, sales_user: User) -> None:
    # i % 20: 0-11 customer, 12-16 supplier, 17-18 both, 19 prospect.
    _insert(
        Partner,
        {
            "name": f"{_pick(_words(NAME_WORDS_1))} || ' ' || {_pick(_words(NAME_WORDS_2))} || ' ' || i || ' S.L.'",
            "ref": "'C' || lpad(i::text, 7, '0')",
            "is_customer": "(i % 20 < 12 OR i % 20 IN (17, 18))",
            "is_supplier": "(i % 20 BETWEEN 12 AND 18)",
            "is_prospect": "(i % 20 = 19)",
            "tax_id": "'B' || lpad((10000000 + i)::text, 8, '0')",
            "tax_id_normalized": "'B' || lpad((10000000 + i)::text, 8, '0')",
            "email": "'info' || i || '@empresa' || i || '.example'",
            "city": _pick(_words(CITIES)),
            "country": "'ES'",
            "phone": "'+34 9' || lpad((i * 7919 % 100000000)::text, 8, '0')",
            "phone_e164": "'+349' || lpad((i * 7919 % 100000000)::text, 8, '0')",
            "salesperson_id": f"CASE WHEN i % 10 = 0 THEN {sales_user.pk} ELSE NULL END",
            "created_at": "now() - (i % 1800) * interval '1 day'",
            "updated_at": "now()",
        },
        f"generate_series(1, {sizes.partners}) AS i",
    )
    with connection.cursor() as cursor:  # name_key is the lower-cased name (duplicates check reads it)
        cursor.execute("UPDATE partners_partner SET name_key = lower(name)")


def _contacts(sizes: Sizes) -> None:
    _insert(
        Contact,
        {
            "partner_id": "p.id",
            "first_name": _pick(_words(FIRST_NAMES)),
            "last_name": _pick(_words(LAST_NAMES)),
            "email": "'contacto' || n || '.' || p.id || '@empresa' || p.id || '.example'",
            "phone": "'+34 6' || lpad(((p.id * 31 + n) * 7727 % 100000000)::text, 8, '0')",
            "phone_e164": "'+346' || lpad(((p.id * 31 + n) * 7727 % 100000000)::text, 8, '0')",
            "created_at": "now()",
            "updated_at": "now()",
        },
        "partners_partner p CROSS JOIN generate_series(1, 2) AS n",
    )


CLAIM_SOURCE = """
    (SELECT i, k.kind, r,
            (current_date - (r * 1825)::int) AS received,
            (SELECT array_agg(id ORDER BY id) FROM accounts_user WHERE username LIKE 'bench_person%') AS people,
            (SELECT array_agg(id ORDER BY id) FROM claims_category c WHERE c.kind = k.kind) AS categories,
            random() AS roll
       FROM generate_series(1, {claims}) AS i,
            LATERAL (SELECT CASE WHEN i % 100 < 70 THEN 'customer' WHEN i % 100 < 92 THEN 'supplier'
                                 ELSE 'internal' END AS kind) k,
            LATERAL (SELECT power(random(), 1.6) + 0 * i AS r) rr) s  -- "+ 0 * i": one draw per row, not one for all
"""


def _claims(sizes: Sizes) -> None:
    customers = "(SELECT array_agg(id) FROM partners_partner WHERE is_customer)"
    suppliers = "(SELECT array_agg(id) FROM partners_partner WHERE is_supplier)"
    # State by age: claims received in the last ~45 days are mostly open or draft, older ones mostly closed.
    state = (
        "CASE WHEN s.r < 0.025 THEN (CASE WHEN s.roll < 0.25 THEN 'draft' ELSE 'open' END) "
        "WHEN s.roll < 0.06 THEN 'open' WHEN s.roll < 0.1 THEN 'cancelled' ELSE 'closed' END"
    )
    prefix = "CASE s.kind WHEN 'customer' THEN 'RC' WHEN 'supplier' THEN 'RP' ELSE 'NC' END"
    _insert(
        Claim,
        {
            "number": f"{prefix} || '-' || extract(year FROM s.received)::int || '-' || lpad(s.i::text, 6, '0')",
            "kind": "s.kind",
            "state": state,
            "partner_id": f"CASE s.kind WHEN 'customer' THEN {_pick(customers)} "
            f"WHEN 'supplier' THEN {_pick(suppliers)} ELSE NULL END",
            "responsible_id": f"CASE WHEN s.roll < 0.9 THEN {_pick('s.people')} ELSE NULL END",
            "category_id": _pick("s.categories"),
            "priority": _pick(_words("low normal normal normal high urgent")),
            "subject": _pick(_words(SUBJECTS, "|")),
            "description": "'Detectado en recepción; ver documentos adjuntos.'",
            "channel": _pick(_words("email phone phone web visit api")),
            "received_on": "s.received",
            "deadline": "s.received + 30",
            "external_ref": "CASE WHEN s.i % 2 = 0 THEN 'ERP-' || s.i ELSE NULL END",
            "resolution": "''",
            "resolution_notes": "''",
            "closing_note": "''",
            "opened_at": "s.received::timestamptz + interval '2 hours'",
            "created_at": "s.received::timestamptz + interval '1 hour'",
            "updated_at": "s.received::timestamptz + interval '3 hours'",
        },
        CLAIM_SOURCE.format(claims=sizes.claims),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE claims_claim SET
                 closed_at = received_on::timestamptz + (5 + (id % 40)) * interval '1 day',
                 time_to_close = (5 + (id % 40)) * interval '1 day',
                 resolution = (ARRAY['replacement','credit_note','repair','return','rejected'])[1 + id % 5],
                 resolution_cost = CASE WHEN id % 5 = 4 THEN NULL ELSE ((id * 37) % 2500) + 0.5 END
               WHERE state = 'closed'"""
        )
        cursor.execute("UPDATE claims_claim SET opened_at = NULL WHERE state = 'draft'")
        # Internal non-conformities have one or two people assigned besides the responsible.
        cursor.execute(
            """INSERT INTO claims_claim_assignees (claim_id, user_id)
               SELECT DISTINCT c.id, u.id FROM claims_claim c
               JOIN LATERAL (SELECT id FROM accounts_user WHERE username LIKE 'bench_person%'
                             ORDER BY (id * 7 + c.id) % 13 LIMIT 1 + c.id % 2) u ON true
               WHERE c.kind = 'internal'"""
        )


def _origins(sizes: Sizes) -> None:
    doc_type = (
        "CASE c.kind WHEN 'customer' THEN (CASE WHEN n = 1 THEN 'delivery' ELSE 'invoice' END) "
        "WHEN 'supplier' THEN 'goods_receipt' ELSE 'manufacturing_order' END"
    )
    prefix = "CASE c.kind WHEN 'customer' THEN (CASE WHEN n = 1 THEN 'ALB' ELSE 'FV' END) WHEN 'supplier' THEN 'REC' ELSE 'OF' END"
    _insert(
        OriginDocument,
        {
            "claim_id": "c.id",
            "doc_type": doc_type,
            "number": f"{prefix} || '-' || extract(year FROM c.received_on)::int % 100 || '-' || lpad((c.id * 2 + n)::text, 7, '0')",
            "date": "c.received_on - 3",
        },
        "claims_claim c CROSS JOIN generate_series(1, 2) AS n WHERE n = 1 OR c.id % 2 = 0",
    )
    _insert(
        OriginLine,
        {
            "document_id": "d.id",
            "product_code": f"'PRD-' || lpad((1 + (d.id * 13 + n * 7) % {sizes.products})::text, 5, '0')",
            "description": f"'Artículo ' || (1 + (d.id * 13 + n * 7) % {sizes.products})",
            "lot": "'L' || (d.id * 3 + n)",
            "quantity": "1 + (d.id + n) % 50",
            "unit": "'ud'",
        },
        "claims_origindocument d CROSS JOIN generate_series(1, 3) AS n WHERE n <= 1 + d.id % 3",
    )
    # What the claims services keep beside the lines: each claim's product codes once.
    _insert(
        ClaimProduct,
        {"claim_id": "pairs.claim_id", "product_code": "pairs.product_code"},
        "(SELECT DISTINCT d.claim_id, l.product_code FROM claims_originline l "
        "JOIN claims_origindocument d ON d.id = l.document_id) AS pairs",
    )


def _claim_parts() -> None:
    _insert(
        Cause,
        {"claim_id": "c.id", "category": _pick(_words("supplier transport manufacturing design other")),
         "description": "'Causa identificada en el análisis'", "our_fault": "c.id % 3 = 0"},
        "claims_claim c WHERE c.state = 'closed' AND c.id % 2 = 0",
    )  # fmt: skip
    _insert(
        Action,
        {"claim_id": "c.id", "kind": _pick(_words("containment corrective preventive")),
         "description": "'Acción definida'", "due_on": "c.deadline", "done_on": "CASE WHEN c.state = 'closed' THEN c.deadline - 2 END",
         "effectiveness_check": "''", "carried_over": "false"},
        "claims_claim c WHERE c.id % 2 = 1",
    )  # fmt: skip
    _insert(
        Repair,
        {"claim_id": "c.id", "reference": "'REP-' || c.id", "product_code": "'PRD-' || lpad((c.id % 500 + 1)::text, 5, '0')",
         "serial": "'S' || c.id", "description": "''", "state": "'done'", "cost": "(c.id % 300) + 0.25"},
        "claims_claim c WHERE c.kind = 'customer' AND c.id % 10 = 0",
    )  # fmt: skip


def _entries(sizes: Sizes) -> None:
    claim_share = sizes.entries * 4 // 5
    _insert(
        Entry,
        {
            "record_type": "'claims.claim'",
            "record_id": "c.id",
            "kind": _pick(_words("note note communication change state email")),
            "author_id": "c.responsible_id",
            "occurred_at": "c.received_on::timestamptz + n * interval '1 day' + (c.id % 600) * interval '1 minute'",
            "created_at": "c.received_on::timestamptz + n * interval '1 day'",
            "body": "'Llamada del cliente: confirma el problema y envía fotos del lote afectado.'",
            "data": "'{}'::jsonb",
        },
        f"claims_claim c CROSS JOIN generate_series(1, {max(1, claim_share // max(1, sizes.claims))}) AS n",
    )
    _insert(
        Entry,
        {
            "record_type": "'partners.partner'",
            "record_id": "p.id",
            "kind": "'note'",
            "occurred_at": "p.created_at + n * interval '7 days'",
            "created_at": "p.created_at + n * interval '7 days'",
            "body": "'Visita comercial: revisar condiciones de pago.'",
            "data": "'{}'::jsonb",
        },
        f"partners_partner p CROSS JOIN generate_series(1, {max(1, (sizes.entries - claim_share) // max(1, sizes.partners))}) AS n",
    )


def build(sizes: Sizes, *, echo=lambda message: None, vacuum: bool = True) -> dict[str, User]:
    """Fill an empty database (migrated, no partners or claims) with the data set; returns the bench users."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The bench data set is built on PostgreSQL.")
    if Claim.objects.exists() or Partner.objects.exists():
        raise RuntimeError("The database already holds claims or partners: the bench builds into an empty one.")
    started = datetime.datetime.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")
        users = _users(sizes)
        _categories()
        steps = [
            ("partners", lambda: _partners(sizes, users["bench_sales"])),
            ("contacts", lambda: _contacts(sizes)),
            ("claims", lambda: _claims(sizes)),
            ("origin documents and lines", lambda: _origins(sizes)),
            ("causes, actions, repairs", _claim_parts),
            ("timeline entries", lambda: _entries(sizes)),
        ]
        for label, step in steps:
            echo(f"  {label}…")
            step()
    with connection.cursor() as cursor:
        # As autovacuum would have: statistics and the visibility map. Inside a test's transaction only ANALYZE can run,
        # and the rows waiting in GIN indexes' pending lists (which every scan reads whole) are merged by hand.
        if not vacuum:
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'gin'"
            )
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    echo(f"  built in {(datetime.datetime.now() - started).total_seconds():.0f} s")
    return users


def counts() -> dict[str, int]:
    models_ = [Partner, Contact, Claim, OriginDocument, OriginLine, ClaimProduct, Cause, Action, Repair, Entry]
    return {model._meta.label_lower: model._default_manager.count() for model in models_}
