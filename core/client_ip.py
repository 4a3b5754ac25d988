"""The client's IP address, for rate limits: one setting decides it.

TRUSTED_PROXY_COUNT is how many reverse proxies of ours stand in front of
the app, each appending the address it saw to X-Forwarded-For. Counting
from the right, the TRUSTED_PROXY_COUNT-th entry is the one our outermost
proxy wrote: the client. Anything to its left came from the client and may
be forged. With 0 (the default: gunicorn or runserver faces the client)
the header is ignored and REMOTE_ADDR is the client.

Both our limiter (link requests and the start page, audits.services.links)
and allauth's (failed sign-ins, accounts.adapter.AccountAdapter.get_client_ip)
use this function; ALLAUTH_TRUSTED_PROXY_COUNT is set from the same setting
for any other allauth code that reads it.
"""

import ipaddress

from django.conf import settings


def _valid(ip: str) -> str:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return ""


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        # Fewer entries than proxies: the request did not come through them all.
        if len(hops) >= trusted:
            ip = _valid(hops[-trusted])
            if ip:
                return ip
    return _valid(remote) or remote
