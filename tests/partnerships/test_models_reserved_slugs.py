"""A partnership's web address (/<slug>/) must not be one of the site's own
top-level words."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from partnerships.models import RESERVED_SLUGS, Partnership
from partnerships.services import partnership_create


def top_level_words() -> set[str]:
    """The first path segment of every top-level URL that is a fixed word
    (not a <converter>), e.g. "staff" from "staff/", "accounts" from
    "accounts/"."""
    words = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern | URLResolver):
            route = str(entry.pattern).lstrip("^")
            first = route.split("/", 1)[0]
            if first and "<" not in first:
                words.add(first)
    return words


def test_every_top_level_word_is_reserved():
    words = top_level_words()
    assert {"staff", "accounts", "django-admin"} <= words  # the check sees them
    assert words <= RESERVED_SLUGS, words - RESERVED_SLUGS


def test_static_and_media_are_reserved():
    from django.conf import settings

    assert settings.STATIC_URL.strip("/") in RESERVED_SLUGS
    assert {"media", "r"} <= RESERVED_SLUGS


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["staff", "accounts", "django-admin", "static", "media", "r", "Staff"])
def test_the_validator_refuses_a_reserved_slug(slug):
    partnership = Partnership(name="Test", slug=slug, contact_email="team@example.org")
    with pytest.raises(ValidationError) as caught:
        partnership.full_clean()
    assert "is used by the site itself" in " ".join(caught.value.message_dict["slug"])


@pytest.mark.django_db
def test_an_ordinary_slug_is_fine():
    Partnership(name="Test", slug="staffordshire", contact_email="team@example.org").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["staff", "accounts"])
def test_the_database_refuses_one_written_without_validation(slug):
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership_create(name="Test", slug=slug, contact_email="team@example.org")
