"""The real-world fixtures: present → used; missing under CI → the run fails instead of skipping."""

import pytest

from tests.conftest import locate_shared_fixtures


def test_the_configured_folder_is_used_when_it_exists(tmp_path):
    assert locate_shared_fixtures({"TRATO_SHARED_FIXTURES": str(tmp_path)}) == tmp_path


def test_a_configured_folder_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        locate_shared_fixtures({"TRATO_SHARED_FIXTURES": str(tmp_path / "absent")})


def test_under_ci_a_missing_folder_is_an_error_not_a_skip(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.conftest.Path.is_dir", lambda self: False)
    with pytest.raises(FileNotFoundError):
        locate_shared_fixtures({"CI": "true"})


def test_outside_ci_a_missing_default_folder_means_skip(monkeypatch):
    monkeypatch.setattr("tests.conftest.Path.is_dir", lambda self: False)
    assert locate_shared_fixtures({}) is None
