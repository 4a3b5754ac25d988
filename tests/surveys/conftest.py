import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The reply rate limits count in the cache."""
    cache.clear()
    yield
    cache.clear()
