"""Records a claim carries, added, edited and removed in place on its page (htmx): the answer is the claim page
(htmx swaps the section from it), and a refused form goes back where it was typed, with its errors."""

from django.urls import reverse

from tests.claims.support import make_claim
from trato.claims.models import Kind

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_cause_added_in_place_answers_the_claim_page_without_a_message_waiting(client_for, after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)
    client = client_for(after_sales_user)
    data = {"category": "design", "description": "Eje mal dimensionado"}

    response = client.post(reverse("claims:record_add", args=[claim.pk, "causes"]), data, follow=True, **HTMX)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == claim.get_absolute_url() + "#causes"
    page = response.content.decode()
    assert 'id="causes"' in page and "Eje mal dimensionado" in page
    assert "Cause added." not in client.get(claim.get_absolute_url()).content.decode()  # nothing left in the session


def test_a_refused_form_in_place_goes_back_to_its_slot_with_its_errors(client_for, after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)

    response = client_for(after_sales_user).post(
        reverse("claims:record_add", args=[claim.pk, "causes"]), {"category": "", "description": ""}, **HTMX
    )

    assert response.status_code == 200  # htmx swaps nothing from an error status
    assert (response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"]) == (
        "#causes-slot", "#record-form", "innerHTML"
    )  # fmt: skip
    assert "invalid-feedback" in response.content.decode()
    assert not claim.causes.exists()


def test_without_javascript_a_refused_form_is_its_own_page_with_status_400(client_for, after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)

    response = client_for(after_sales_user).post(
        reverse("claims:record_add", args=[claim.pk, "causes"]), {"category": "", "description": ""}
    )

    assert response.status_code == 400 and "HX-Retarget" not in response


def test_an_origin_document_keeps_every_line_the_page_added(client_for, after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user)
    data = {"doc_type": "delivery", "number": "ALB-1", "line0_product_code": "A-1", "line0_quantity": "2,5",
            "line7_product_code": "B-7", "line7_quantity": "1.234,5"}  # fmt: skip

    client_for(after_sales_user).post(reverse("claims:record_add", args=[claim.pk, "origins"]), data, **HTMX)

    lines = claim.origins.get().lines.order_by("product_code")
    assert [(line.product_code, str(line.quantity)) for line in lines] == [("A-1", "2.500"), ("B-7", "1234.500")]
