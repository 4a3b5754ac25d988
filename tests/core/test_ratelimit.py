"""The one fixed-window rate limiter every public form uses."""

import pytest
from django.core.cache import cache

from core.ratelimit import ip_key, within_limits


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_each_limit_is_counted_in_its_window_and_the_first_one_over_stops_the_count(time_machine):
    time_machine.move_to("2026-12-02 10:00:00+00:00", tick=False)
    limits = [("a", 2), ("b", 5)]
    assert within_limits(scope="t", window_seconds=3600, limits=limits)
    assert within_limits(scope="t", window_seconds=3600, limits=limits)
    assert not within_limits(scope="t", window_seconds=3600, limits=limits)  # a: 3 > 2
    # "b" was not counted for the refused attempt: 2 so far, so 3 more go before it refuses.
    assert [within_limits(scope="t", window_seconds=3600, limits=[("b", 5)]) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    time_machine.move_to("2026-12-02 11:00:00+00:00", tick=False)  # the next window
    assert within_limits(scope="t", window_seconds=3600, limits=limits)


def test_an_ipv6_client_is_one_client_across_its_64_and_no_address_is_kept_as_typed():
    assert ip_key("2001:db8:1:2::1") == ip_key("2001:db8:1:2:ffff::9")
    assert ip_key("2001:db8:1:3::1") != ip_key("2001:db8:1:2::1")
    assert ip_key("203.0.113.7") != ip_key("203.0.113.8")
    assert "203.0.113.7" not in ip_key("203.0.113.7")
    assert ip_key("not an address")  # a malformed value still gets a key
