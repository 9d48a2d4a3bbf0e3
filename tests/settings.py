"""Test settings: the real settings, with a fast password hasher (hashing dominates otherwise)."""

from trato.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
