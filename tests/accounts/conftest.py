import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and used TOTP codes are counted in the (locmem) cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
