"""Timeline fixtures: Partner registered (as the partners app does), files stored in a temporary media root."""

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from trato.partners.models import Contact, Partner
from trato.timeline import registry


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def partner_has_a_timeline():
    registry.register(Partner)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.fixture
def customer(db) -> Partner:
    return Partner.objects.create(name="Acme Foods", is_customer=True)


@pytest.fixture
def supplier(db) -> Partner:
    return Partner.objects.create(name="Steel Parts", is_supplier=True)


@pytest.fixture
def contact(customer) -> Contact:
    return Contact.objects.create(partner=customer, first_name="Lucía", last_name="Pérez")


SEES_CUSTOMERS = [
    "sales_user",
    "sales_manager",
    "after_sales_user",
    "after_sales_manager",
    "quality_manager",
    "administrator",
]
BLIND_TO_CUSTOMERS = ["purchasing_user", "purchasing_manager", "outsider"]


@pytest.fixture
def author(db):
    """An administrator who writes on timelines, distinct from the persona being tested."""
    from tests.factories import UserFactory
    from trato.accounts.roles import Role

    return UserFactory(username="author", roles=[Role.ADMINISTRATOR])
