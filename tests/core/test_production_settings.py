"""Production mode refuses unsafe configurations, and Django's deployment checks pass in it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The test run's own settings must not leak into the manage.py processes checked here.
INHERITED_NOT = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
SECRET = "x" * 20 + "production-secret-key-for-the-check-" + "y" * 20


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED_NOT}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_deployment_checks_pass_in_production_mode(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        TRATO_PRODUCTION="1", SECRET_KEY=SECRET, ALLOWED_HOSTS="crm.example.com", TRATO_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", TRATO_PRODUCTION="1", TRATO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = manage("check", TRATO_PRODUCTION="1", DEBUG="1", SECRET_KEY=SECRET, TRATO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    assert manage("check", TRATO_VAR_DIR=str(tmp_path)).returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert manage("check", TRATO_VAR_DIR=str(tmp_path)).returncode == 0
    assert (tmp_path / "secret_key").read_text() == first
    assert len(first) >= 50
