"""The client address django-axes counts admin login failures by (`psephos.web.settings`)."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from psephos.contests.throttle import client_address


def login_client_ip(request: HttpRequest) -> str | None:
    """The address the rate limit on codes uses (behind trusted proxies, the client's own),
    or None when it is not an IP address (axes stores it in an address column)."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address
