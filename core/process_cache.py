"""Rows that almost never change, kept in the web process so that each
request need not read them again: a partnership (looked up by slug on every
tenant URL) and a published question set's themes and questions (frozen
once a return uses it, read by every page of the agency journey).

Invalidation: any save or delete of those models (through the services or
the Django admin) drops every entry at once, here at once and in the other
processes within `CHECK_SECONDS`. The other processes learn of it through a
token in Django's cache (Redis in production, shared by the web workers):
each process reads the token at most once every `CHECK_SECONDS`, not once a
request. Without a shared cache (the zero-set-up default, one process) the
token is local, which is right for one process.

What is cached is shared by every request of the process, so callers treat
it as read-only (no attributes set on a cached model instance).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

GENERATION_KEY = "s11:process-cache-token"
CHECK_SECONDS = 1.0

_lock = threading.Lock()
_state = {"local": 0, "shared": None, "checked_at": float("-inf")}
_caches: list[ProcessCache] = []


def _generation() -> tuple:
    now = time.monotonic()
    if now - _state["checked_at"] >= CHECK_SECONDS:
        _state["shared"] = cache.get(GENERATION_KEY)
        _state["checked_at"] = now
    return (_state["local"], _state["shared"])


def _bump() -> None:
    with _lock:
        _state["local"] += 1
        for c in _caches:
            c.clear()
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    _state["checked_at"] = float("-inf")


def process_cache_invalidate() -> None:
    """Drop every cached entry, now and again once the current transaction
    commits (so that no process can cache the old rows in between)."""
    _bump()
    transaction.on_commit(_bump)


class ProcessCache:
    """A bounded map from key to value for one kind of row, valid for one
    generation of the token."""

    def __init__(self, name: str, maxsize: int = 512):
        self.name = name
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, tuple[tuple, object]] = OrderedDict()
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value for `key`, else `load()` (kept unless None)."""
        generation = _generation()
        hit = self._data.get(key)
        if hit is not None and hit[0] == generation:
            self._data.move_to_end(key)
            return hit[1]
        value = load()
        if value is not None:
            with _lock:
                self._data[key] = (generation, value)
                self._data.move_to_end(key)
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        self._data.clear()


def process_cache_clear_all() -> None:
    """For tests: forget everything, as a fresh process would."""
    with _lock:
        for c in _caches:
            c.clear()
        _state["checked_at"] = float("-inf")


def process_cache_watch(*models) -> None:
    """Invalidate on every save or delete of these models (called from the
    apps' ready()). Bulk updates bypass signals: the services that change
    these rows save them one by one."""

    def changed(sender, **kwargs):
        process_cache_invalidate()

    for model in models:
        uid = f"process_cache_{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}_deleted")
