import pytest

from trato.jobs import periodic


@pytest.fixture
def schedule(monkeypatch):
    """Register periodic jobs for one test only, without the ones other apps registered."""
    monkeypatch.setattr(periodic, "_schedules", {})
    return periodic.register
