"""Where a webhook may be delivered: never to loopback, private, link-local or otherwise internal addresses unless
an administrator allowed it for the endpoint (an ERP on the internal network).

The check runs on the addresses the host name resolves to at delivery time, and the connection is then made to the
checked address (see delivery.py), so a name that resolves to a public address when the endpoint is saved and to
an internal one later (DNS rebinding) is still refused."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class AddressRefused(Exception):
    """The URL's host is internal (or does not resolve) and the endpoint does not allow it."""


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(_("The host name %(host)s does not resolve.") % {"host": host}) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def target(url: str, *, allow_private: bool) -> tuple[str, int, str]:
    """(host, port, address to connect to) for ``url``, once every address the host resolves to is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise AddressRefused(_("Enter an http or https URL."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(parts.hostname, port)
    if not allow_private:
        for address in addresses:
            if is_internal(ipaddress.ip_address(address.split("%")[0])):
                raise AddressRefused(
                    _("%(host)s is an internal address (%(address)s): an administrator must allow private addresses "
                      "for this endpoint.") % {"host": parts.hostname, "address": address}
                )  # fmt: skip
    return parts.hostname, port, addresses[0]
