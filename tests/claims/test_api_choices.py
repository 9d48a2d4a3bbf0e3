"""The API's choice types are built from the models' choices, so the OpenAPI enum cannot drift from them."""

from typing import get_args

import pytest

from trato.claims import api
from trato.claims.models import (
    ActionKind,
    CauseCategory,
    Channel,
    Kind,
    OriginType,
    Priority,
    RepairState,
    Resolution,
    State,
)  # fmt: skip


@pytest.mark.parametrize(
    ("alias", "choices"),
    [
        (api.KindIn, Kind),
        (api.StateIn, State),
        (api.PriorityIn, Priority),
        (api.ChannelIn, Channel),
        (api.OriginTypeIn, OriginType),
        (api.CauseCategoryIn, CauseCategory),
        (api.ActionKindIn, ActionKind),
        (api.RepairStateIn, RepairState),
    ],
)
def test_each_choice_type_allows_exactly_the_model_choices(alias, choices):
    assert list(get_args(alias)) == choices.values


def test_resolution_type_also_allows_empty_for_not_decided_yet():
    assert list(get_args(api.ResolutionIn)) == ["", *Resolution.values]


def test_openapi_lists_the_model_choices_as_the_enum(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert schema["ClaimCreateIn"]["properties"]["kind"]["enum"] == Kind.values
    assert schema["ClaimCreateIn"]["properties"]["priority"]["enum"] == Priority.values
    assert schema["ClaimCreateIn"]["properties"]["resolution"]["enum"] == ["", *Resolution.values]
