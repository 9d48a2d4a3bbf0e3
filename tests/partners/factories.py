"""Partners and contacts with their derived fields (E.164 phones, normalised tax id and name) filled in."""

import factory

from trato.partners.models import Contact, Partner, Tag
from trato.partners.services import normalise_contact, normalise_partner


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Company {n}")
    is_customer = True
    country = "ES"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        partner = model_class(*args, **kwargs)
        normalise_partner(partner)
        partner.save()
        return partner

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.tags.add(Tag.objects.get_or_create(name=name)[0])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    vcard_uid = factory.Sequence(lambda n: f"urn:uuid:test-contact-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        contact = model_class(*args, **kwargs)
        normalise_contact(contact)
        contact.save()
        return contact
