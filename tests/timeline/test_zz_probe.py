import pytest
from django.test import Client
from django.urls import reverse

from tests.timeline.conftest import PDF, PNG, upload
from trato.accounts.services import api_token_create
from trato.timeline.models import Entry
from trato.partners.models import Partner, Contact

BASE = "/api/v1/timeline/partners.partner"


def bearer(user):
    _t, s = api_token_create(user=user, name="t")
    return {"Authorization": f"Bearer {s}"}


def show(label, r):
    try:
        body = r.json()
    except Exception:
        body = r.content[:300]
    print("\nPROBE", label, r.status_code, body)


def test_probe_csrf(customer, sales_user):
    c = Client(enforce_csrf_checks=True)
    c.force_login(sales_user)
    show("session-no-csrf", c.post(f"{BASE}/{customer.pk}/notes", {"body": "x"}, content_type="application/json"))
    show("ui-no-csrf", c.post(reverse("timeline:note_add", args=["partners.partner", customer.pk]), {"body": "x"}))


def test_probe_inputs(client, customer, sales_user):
    h = bearer(sales_user)
    for body in ['{"body": 123}', '{"body": null}', '[]', '"x"', '{"body": ["a"]}', '{"body": "a\\u0000b"}', '{}']:
        try:
            show("note " + body, client.post(f"{BASE}/{customer.pk}/notes", body, content_type="application/json", headers=h))
        except Exception as e:
            print("\nPROBE EXC", body, repr(e))
    for when in ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "1000-01-01T00:00:00", "-0001-01-01T00:00:00"]:
        p = {"channel": "phone", "direction": "inbound", "occurred_at": when, "summary": "s"}
        try:
            show("comm " + when, client.post(f"{BASE}/{customer.pk}/communications", p, content_type="application/json", headers=h))
        except Exception as e:
            print("\nPROBE EXC", when, repr(e))
    for pk in ["99999999999999999999999", "9223372036854775808", "-1", "abc"]:
        try:
            show("pk " + pk, client.get(f"{BASE}/{pk}/entries", headers=h))
        except Exception as e:
            print("\nPROBE EXC", pk, repr(e))
    other = Partner.objects.create(name="Other", is_customer=True)
    oc = Contact.objects.create(partner=other, last_name="X")
    p = {"channel": "phone", "direction": "inbound", "occurred_at": "2025-01-01T00:00:00Z", "summary": "s", "contact_id": oc.pk}
    show("foreign contact", client.post(f"{BASE}/{customer.pk}/communications", p, content_type="application/json", headers=h))
    show("files as text", client.post(f"{BASE}/{customer.pk}/attachments", {"files": "abc"}, headers=h))
    try:
        show("note nul upload", client.post(f"{BASE}/{customer.pk}/attachments", {"files": [upload("a.png", PNG)], "note": "a\x00b"}, headers=h))
    except Exception as e:
        print("\nPROBE EXC upload nul", repr(e))


def test_probe_ui(client_for, customer, sales_user):
    sales_user.time_zone = "Asia/Tokyo"; sales_user.save()
    c = client_for(sales_user)
    data = {"channel": "phone", "direction": "outbound", "occurred_at": "0001-01-01T00:00", "summary": "x"}
    try:
        r = c.post(reverse("timeline:communication_log", args=["partners.partner", customer.pk]), data)
        print("\nPROBE ui year1", r.status_code)
    except Exception as e:
        print("\nPROBE EXC ui year1", repr(e))
    for pk in ["99999999999999999999999", "9223372036854775808"]:
        try:
            r = c.get(f"/timeline/partners.partner/{pk}/")
            print("\nPROBE ui pk", pk, r.status_code)
        except Exception as e:
            print("\nPROBE EXC ui pk", pk, repr(e))


def test_probe_nonutf8(client_for, customer, sales_user):
    c = client_for(sales_user)
    boundary = "BOUND"
    body = (b"--BOUND\r\nContent-Disposition: form-data; name=\"files\"; filename=\"caf\xe9\xff.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--BOUND--\r\n")
    r = c.generic("POST", reverse("timeline:attachments_add", args=["partners.partner", customer.pk]), body,
                  content_type="multipart/form-data; boundary=BOUND")
    print("\nPROBE nonutf8 ui", r.status_code, [a.name for a in __import__('trato.timeline.models', fromlist=['x']).Attachment.objects.all()])
    h = bearer(sales_user)
    r = c.generic("POST", f"{BASE}/{customer.pk}/attachments", body, content_type="multipart/form-data; boundary=BOUND", headers=h)
    show("nonutf8 api", r)
    # missing parts
    r = c.generic("POST", f"{BASE}/{customer.pk}/attachments", b"garbage", content_type="multipart/form-data; boundary=BOUND", headers=h)
    show("garbage multipart api", r)
    r = c.generic("POST", f"{BASE}/{customer.pk}/attachments", b"garbage", content_type="multipart/form-data", headers=h)
    show("no boundary api", r)
    r = c.generic("POST", reverse("timeline:attachments_add", args=["partners.partner", customer.pk]), b"garbage", content_type="multipart/form-data")
    print("\nPROBE no boundary ui", r.status_code)


def test_probe_multipart(client_for, customer, sales_user):
    from trato.timeline.models import Attachment
    c = client_for(sales_user)
    for fname in [b"cafe.pdf", b"caf\xc3\xa9.pdf", b"caf\xe9\xff.pdf"]:
        body = (b"--BOUND\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + fname + b"\"\r\n"
                b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--BOUND--\r\n")
        r = c.generic("POST", reverse("timeline:attachments_add", args=["partners.partner", customer.pk]), body,
                      content_type="multipart/form-data; boundary=BOUND")
        print("\nPROBE mp", fname, r.status_code, list(Attachment.objects.values_list("name", flat=True)))


def test_probe_token_xss(client_for, sales_user, contact, customer):
    api_token_create(user=sales_user, name='"><script>alert(1)</script>')
    html = client_for(sales_user).get(reverse("accounts:tokens")).text
    import re
    print("\nPROBE token", re.findall(r'data-confirm="[^"]*"', html), "<script>alert" in html)
    r = client_for(sales_user).get(reverse("timeline:page", args=["partners.contact", contact.pk]))
    print("\nPROBE contact page", r.status_code)
    r = client_for(sales_user).get(reverse("timeline:page", args=["partners.contact", customer.pk + 1000]), HTTP_HX_REQUEST="true")
    print("\nPROBE contact page htmx missing", r.status_code)


def test_probe_huge(client, customer, sales_user):
    import json
    h = bearer(sales_user)
    for size in [20_001, 6_000_000]:
        try:
            show(f"huge {size}", client.post(f"{BASE}/{customer.pk}/notes", json.dumps({"body": "x" * size}), content_type="application/json", headers=h))
        except Exception as e:
            print("\nPROBE EXC huge", size, repr(e))
