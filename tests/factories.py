import factory
from django.contrib.auth.models import Group

from trato.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")
    language = "en"

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for code in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=code)[0])  # flushed by live-server tests
