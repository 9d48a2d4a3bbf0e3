"""Email entries on a record's timeline: inbound with folded history, outbound with its delivery state."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.mail.threading import subject_tag
from trato.timeline.models import Direction, Entry, EntryKind
from trato.timeline.services import email_record

pytestmark = pytest.mark.django_db

REPLY = """Thanks, the new parts fit.

On Mon, 5 Jan 2026 at 10:00, Trato <trato@factory.example> wrote:
> Here is the replacement.
> Regards
"""


def test_an_inbound_email_shows_its_sender_subject_and_new_text_with_the_history_folded(client_for, customer, author):
    email_record(
        record=customer,
        by=None,
        direction=Direction.INBOUND,
        subject="Re: Replacement",
        sender="Lucía <lucia@acme.example>",
        recipients=["crm@factory.example"],
        body_text=REPLY,
    )
    entry = Entry.objects.get(kind=EntryKind.EMAIL)
    assert entry.body == "Thanks, the new parts fit."
    assert entry.data["quoted"].startswith("On Mon, 5 Jan 2026")
    html = client_for(author).get(customer.get_absolute_url()).content.decode()
    assert "Re: Replacement" in html
    assert "Lucía &lt;lucia@acme.example&gt;" in html
    assert "<details" in html and "Here is the replacement." in html


def test_the_threading_tag_is_kept_in_the_mail_but_not_shown_on_the_page(client_for, customer, author):
    tag = subject_tag(customer)
    email_record(
        record=customer, by=None, direction=Direction.INBOUND, subject=f"Re: Replacement {tag}",
        sender="lucia@acme.example", recipients=["crm@factory.example"], body_text="Thanks.",
    )  # fmt: skip
    assert Entry.objects.get(kind=EntryKind.EMAIL).data["subject"] == f"Re: Replacement {tag}"
    html = client_for(author).get(customer.get_absolute_url()).content.decode()
    assert "Re: Replacement" in html
    assert tag not in html


def test_an_outbound_email_starts_queued_and_keeps_a_reference_to_its_message(customer, author):
    entry = email_record(
        record=customer,
        by=author,
        direction=Direction.OUTBOUND,
        subject="Offer",
        sender="trato@factory.example",
        recipients=["lucia@acme.example"],
        body_text="Hello",
        message=author,  # any model instance: stored as "app.model:pk"
    )
    assert entry.data["delivery"] == {"state": "queued", "error": ""}
    assert entry.data["message"] == f"accounts.user:{author.pk}"
    assert entry.author == author and entry.direction == Direction.OUTBOUND


def test_someone_who_may_not_see_the_record_cannot_write_on_it(customer):
    from trato.core.errors import NotFound

    outsider = UserFactory(roles=[Role.PURCHASING_USER])
    with pytest.raises(NotFound):
        email_record(
            record=customer,
            by=outsider,
            direction=Direction.OUTBOUND,
            subject="x",
            sender="a@b.c",
            recipients=[],
            body_text="x",
        )


@pytest.mark.parametrize(
    ("delivery", "shown"),
    [
        ({"state": "queued", "error": ""}, "Waiting to be sent"),
        ({"state": "sent", "error": ""}, "Sent"),
        ({"state": "failed", "error": "550 5.1.1 mailbox unavailable"}, "550 5.1.1 mailbox unavailable"),
    ],
)
def test_the_timeline_shows_the_delivery_state_and_why_it_failed(client_for, customer, author, delivery, shown):
    entry = email_record(
        record=customer,
        by=author,
        direction=Direction.OUTBOUND,
        subject="Offer",
        sender="t@f.example",
        recipients=["lucia@acme.example"],
        body_text="Hello",
    )
    entry.data["delivery"] = delivery
    entry.save()
    html = client_for(author).get(reverse("timeline:page", args=["partners.partner", customer.pk])).content.decode()
    assert shown in html


def test_email_entries_do_not_add_queries_per_entry(client_for, customer, author, django_assert_max_num_queries):
    for n in range(5):
        email_record(
            record=customer,
            by=author,
            direction=Direction.OUTBOUND,
            subject=f"Offer {n}",
            sender="t@f.example",
            recipients=["lucia@acme.example"],
            body_text="Hello",
        )
    client = client_for(author)
    url = reverse("timeline:page", args=["partners.partner", customer.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    count_for_five = len(few.captured_queries)
    for n in range(10):
        email_record(
            record=customer,
            by=author,
            direction=Direction.OUTBOUND,
            subject=f"More {n}",
            sender="t@f.example",
            recipients=["lucia@acme.example"],
            body_text="Hello",
        )
    with django_assert_max_num_queries(count_for_five):
        client.get(url)
