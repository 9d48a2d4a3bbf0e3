"""The address a request really comes from, for login throttling and password reset limits.

Behind the documented reverse proxy every request arrives from the proxy's address, and the client's address is in
X-Forwarded-For. That header is believed only when the request comes from a proxy listed in TRATO_TRUSTED_PROXIES:
anyone else could write any address there and lock a colleague out (or escape their own lock).
"""

import ipaddress

from django.conf import settings


def _is_trusted(address: str) -> bool:
    return address in settings.TRATO_TRUSTED_PROXIES


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or, when that is a trusted proxy, the last X-Forwarded-For hop not added by a trusted proxy.

    Proxies append the address they received the request from, so the hops are read from the right: the first one
    that is not a trusted proxy is the client. Hops further left were written by the client and are not believed."""
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _valid(hop):
            break  # a garbled header: fall back to the proxy's address rather than trust it
        if not _is_trusted(hop):
            return hop
    return remote
