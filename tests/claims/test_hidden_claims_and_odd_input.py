"""Found in review: leaks through side channels, input that used to 500 or was silently accepted, and the
acknowledgement that only a customer claim gets."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.claims.support import PERSONAS, claims_admin, make_category, make_claim, make_partner
from tests.factories import UserFactory
from trato.claims import services
from trato.claims.models import Category, Claim, Kind, Repair
from trato.claims.validation import InvalidInput
from trato.timeline.models import Attachment
from trato.timeline.services import attachments_add

pytestmark = pytest.mark.django_db

SEES_SUPPLIER = {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"}


def _post_json(client, path, body):
    return client.post("/api/v1" + path, json.dumps(body), "application/json")


# Input that used to answer 500


def test_a_report_period_at_the_end_of_the_calendar_is_refused_not_a_500(administrator, client_for):
    far = {"start": "9999-01", "end": "9999-12"}
    response = client_for(administrator).get(reverse("reports:index"), far)
    assert response.status_code == 200
    assert response.context["form"].errors
    csv_response = client_for(administrator).get(reverse("reports:table_csv", args=["claims", "overview"]), far)
    assert csv_response.status_code == 200


def test_a_date_received_at_the_end_of_the_calendar_is_refused_and_creates_nothing(after_sales_user):
    category = make_category(Kind.CUSTOMER, default_deadline_days=30)
    with pytest.raises(InvalidInput) as refused:
        make_claim(Kind.CUSTOMER, by=after_sales_user, category=category, received_on=datetime.date(9999, 12, 31))
    assert "received_on" in refused.value.fields
    assert not Claim.objects.exists()


def test_the_api_refuses_a_date_received_in_the_future_with_a_field_error(after_sales_user, client_for):
    category = make_category(Kind.CUSTOMER, default_deadline_days=30)
    body = {"kind": "customer", "subject": "Golpe", "partner": make_partner("customer").pk,
            "category": category.pk, "received_on": "9999-12-31"}  # fmt: skip
    response = _post_json(client_for(after_sales_user), "/claims", body)
    assert response.status_code == 422
    assert "received_on" in json.dumps(response.json())
    assert not Claim.objects.exists()


def test_a_category_deadline_beyond_ten_years_is_refused(after_sales_manager):
    with pytest.raises(InvalidInput) as refused:
        services.category_save(by=after_sales_manager, data={"kind": Kind.CUSTOMER, "name": "Eterna",
                                                             "default_deadline_days": 2_000_000_000})  # fmt: skip
    assert "default_deadline_days" in refused.value.fields
    assert not Category.objects.exists()


def test_a_deadline_far_in_the_future_is_refused(after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)
    with pytest.raises(InvalidInput) as refused:
        services.claim_update(claim=claim, by=after_sales_user, data={"deadline": datetime.date(9999, 1, 1)},
                              version=claim.version)  # fmt: skip
    assert "deadline" in refused.value.fields
    claim.refresh_from_db()
    assert claim.deadline is None


# Negative figures


def test_a_negative_cost_or_quantity_is_refused_and_nothing_is_saved(purchasing_user):
    claim = make_claim(Kind.SUPPLIER, by=purchasing_user)
    with pytest.raises(InvalidInput) as refused:
        services.claim_update(claim=claim, by=purchasing_user, data={"resolution_cost": Decimal("-10")},
                              version=claim.version)  # fmt: skip
    assert "resolution_cost" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.repair_add(claim=claim, by=purchasing_user, data={"reference": "R-1", "cost": Decimal("-5")})
    assert "cost" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        line = {"product_code": "X", "quantity": Decimal("-3")}
        services.origin_add(claim=claim, by=purchasing_user, data={"doc_type": "goods_receipt", "number": "ALB-1",
                                                                   "lines": [line]})  # fmt: skip
    assert "lines.0.quantity" in refused.value.fields
    claim.refresh_from_db()
    assert claim.resolution_cost is None and not Repair.objects.exists() and not claim.origins.exists()


# Leaks


def test_the_new_claim_form_offers_no_category_of_a_kind_the_user_may_not_create(purchasing_user, client_for):
    make_category(Kind.CUSTOMER, name="Secreto de posventa")
    response = client_for(purchasing_user).post(reverse("claims:create"), {"kind": "customer", "subject": "x"})
    assert response.status_code == 400
    assert "Secreto de posventa" not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_a_supplier_claims_attachment_timeline_and_compose_page_open_only_to_who_sees_it(persona, client_for):
    claim = make_claim(Kind.SUPPLIER, by=claims_admin())
    upload = SimpleUploadedFile("informe.txt", b"Chapa con grietas\n", content_type="text/plain")
    attachments_add(record=claim, by=claims_admin(), files=[upload])
    attachment = Attachment.objects.get()
    client = client_for(persona)
    expected = 200 if persona.username in SEES_SUPPLIER else 404
    assert client.get(reverse("timeline:attachment_download", args=[attachment.pk])).status_code == expected
    assert client.get(reverse("timeline:page", args=["claims.claim", claim.pk])).status_code == expected
    assert client.get(reverse("mail:compose", args=["claims.claim", claim.pk])).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_exports_board_totals_and_the_api_categories_show_no_supplier_claim_to_other_roles(persona, client_for):
    claim = make_claim(Kind.SUPPLIER, by=claims_admin(), subject="Chapa con grietas")
    client = client_for(persona)
    sees = persona.username in SEES_SUPPLIER
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("claims:export"), {"format": fmt})
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            assert (claim.number in content.decode("utf-8-sig")) == sees
        else:
            from openpyxl import load_workbook

            cells = [c.value for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
            assert (claim.number in cells) == sees
    board = client.get(reverse("claims:board"))
    assert sum(column["total"] for column in board.context["columns"]) == (1 if sees else 0)
    categories = client.get("/api/v1/claims/categories").json()
    assert (claim.category.name in [c["name"] for c in categories]) == (
        persona.username in {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"}
    )


def test_an_erp_reference_used_by_a_hidden_claim_of_another_kind_is_free_and_names_nothing(
    purchasing_user, after_sales_user, client_for
):
    hidden = make_claim(Kind.SUPPLIER, by=purchasing_user, external_ref="ERP-77")
    body = {"kind": "customer", "subject": "Golpe", "partner": make_partner("customer").pk, "external_ref": "ERP-77"}
    response = _post_json(client_for(after_sales_user), "/claims", body)
    assert response.status_code == 201
    assert hidden.number not in response.content.decode() and hidden.subject not in response.content.decode()
    assert Claim.objects.filter(external_ref="ERP-77").count() == 2


# The acknowledgement


def test_only_a_customer_claim_sends_an_acknowledgement(purchasing_user):
    from trato.mail.models import OutboundMessage

    supplier = make_partner("supplier", email="calidad@aceros.example")
    claim = make_claim(Kind.SUPPLIER, by=purchasing_user, partner=supplier, responsible=purchasing_user)
    with pytest.raises(InvalidInput) as refused:
        services.claim_move(claim=claim, by=purchasing_user, move="open", acknowledge=True)
    assert "acknowledge" in refused.value.fields
    claim.refresh_from_db()
    assert claim.state == "draft" and not OutboundMessage.objects.exists()


def test_an_inactive_action_owner_is_refused(after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)
    gone = UserFactory(is_active=False)
    with pytest.raises(InvalidInput) as refused:
        services.action_add(claim=claim, by=after_sales_user, data={"kind": "corrective", "description": "x",
                                                                   "owner": gone})  # fmt: skip
    assert "owner" in refused.value.fields
    assert not claim.actions.exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999999", "-1", "1e5", "<script>"])
def test_odd_filter_and_id_values_never_500(value, administrator, client_for):
    client = client_for(administrator)
    for name in ("category", "partner", "responsible", "received_from", "product", "document"):
        assert client.get(reverse("claims:list"), {name: value}).status_code == 200
    assert client.get("/api/v1/claims", {"category": value}).status_code == 422
    assert client.get("/api/v1/claims", {"partner": value}).status_code == 422
    assert client.get(f"/claims/{value}/").status_code == 404
    assert client.get(f"/api/v1/claims/{value}").status_code == 404


# Mail about a claim goes only to who may open it


def _demote(user) -> None:
    user.groups.clear()
    user._trato_roles = None  # roles_of caches them on the object


def test_a_responsible_who_lost_the_role_gets_no_mail_when_the_claim_opens(purchasing_user, purchasing_manager):
    from trato.mail.models import OutboundMessage

    claim = make_claim(Kind.SUPPLIER, by=purchasing_manager, responsible=purchasing_user)
    _demote(purchasing_user)
    services.claim_move(claim=claim, by=purchasing_manager, move="open")
    claim.refresh_from_db()
    assert claim.state == "open"
    assert not OutboundMessage.objects.exists()


def test_a_responsible_who_lost_the_role_gets_no_deadline_reminder(purchasing_user, purchasing_manager):
    from trato.claims import notifications
    from trato.mail.models import OutboundMessage

    claim = make_claim(Kind.SUPPLIER, by=purchasing_manager, responsible=purchasing_user)
    services.claim_move(claim=claim, by=purchasing_manager, move="open")
    Claim.objects.filter(pk=claim.pk).update(deadline=datetime.date.today())
    before = OutboundMessage.objects.count()
    _demote(purchasing_user)
    notifications.reminders_send()
    assert OutboundMessage.objects.count() == before
