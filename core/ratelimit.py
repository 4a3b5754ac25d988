"""Fixed-window rate limits for the public forms (link requests, the start
page, survey replies, the contact form, registrations): counters in the
cache (Redis in production), one per key per window.

Client addresses are only ever cache keys, hashed, and an IPv6 client is
counted by its /64, as allauth does: one subscriber's network has 2**64
addresses to rotate through."""

import hashlib
import ipaddress

from django.core.cache import cache
from django.utils import timezone


def key_digest(value: str) -> str:
    """A cache-key part for a value that should not sit in the cache as
    typed (an email address, a client's address)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def ip_key(ip: str) -> str:
    """The cache-key part that counts one client: its address (an IPv6
    client's /64), hashed."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        bucket = ip
    else:
        if address.version == 6:
            bucket = str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
        else:
            bucket = str(address)
    return key_digest(bucket)


def within_limits(*, scope: str, window_seconds: int, limits: list[tuple[str, int]]) -> bool:
    """Count one attempt against each (key, limit) in this window; False as
    soon as one of them is over its limit (the rest are not counted)."""
    window = int(timezone.now().timestamp() // window_seconds)
    for part, limit in limits:
        key = f"s11:{scope}:{part}:{window}"
        cache.add(key, 0, window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, window_seconds)
            count = 1
        if count > limit:
            return False
    return True
