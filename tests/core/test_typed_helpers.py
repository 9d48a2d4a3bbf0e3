"""The small helpers that give the shared code its types: each answers what its signature promises, or refuses."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.http import Http404

from tests.partners.factories import PartnerFactory
from trato.accounts.models import ApiToken
from trato.core.access import AccessQuerySet, access_queryset, get_visible_or_404
from trato.core.forms import form_field
from trato.core.validation import field_max_length
from trato.jobs.models import PeriodicJob
from trato.partners.models import Partner


@pytest.mark.django_db
def test_access_queryset_of_a_model_is_its_default_managers_queryset():
    queryset = access_queryset(Partner)
    assert isinstance(queryset, AccessQuerySet)
    assert queryset.model is Partner


@pytest.mark.django_db
def test_access_queryset_keeps_the_queryset_it_is_given():
    given = Partner.objects.filter(name="Acme")
    assert access_queryset(given) is given


def test_access_queryset_refuses_a_model_without_access_rules():
    with pytest.raises(TypeError, match="Group: its queryset must derive from AccessQuerySet"):
        access_queryset(Group)


def test_a_model_without_access_rules_is_a_programming_error_not_a_404(sales_manager):
    with pytest.raises(TypeError):
        get_visible_or_404(Group, sales_manager, pk=1)


def test_get_visible_or_404_answers_404_for_a_record_the_user_may_not_see(outsider):
    partner = PartnerFactory(is_customer=False, is_supplier=True)  # a user without a role sees no partner
    with pytest.raises(Http404):
        get_visible_or_404(Partner, outsider, pk=partner.pk)


def test_field_max_length_reads_the_models_text_field():
    assert field_max_length(ApiToken, "name") == 100
    assert field_max_length(PeriodicJob, "name") == 100
    assert field_max_length(Partner, "ref") == 40


def test_field_max_length_refuses_a_field_without_one():
    with pytest.raises(TypeError, match="PeriodicJob.next_run_at has no max_length"):
        field_max_length(PeriodicJob, "next_run_at")


class _Form(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "A")])
    note = forms.CharField()


def test_form_field_gives_the_forms_own_copy_of_the_field_as_its_kind():
    form = _Form()
    kind = form_field(form, "kind", forms.ChoiceField)
    kind.choices = [("b", "B")]
    assert list(form.fields["kind"].choices) == [("b", "B")]
    assert list(_Form.base_fields["kind"].choices) == [("a", "A")]  # other forms keep theirs


def test_form_field_refuses_a_field_of_another_kind():
    with pytest.raises(TypeError, match="_Form.note is a CharField, not a ChoiceField"):
        form_field(_Form(), "note", forms.ChoiceField)
