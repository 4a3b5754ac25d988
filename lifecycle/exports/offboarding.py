"""Offboarding a partnership: every row it holds, found by following foreign
keys to it (so a model added later is covered without a list to keep up),
exported as a ZIP, and then deleted.

`partnership_rows` is the one definition of "what a partnership holds",
used by the export, the deletion's counts, and the test that proves the
deletion leaves nothing behind."""

import json
import zipfile
from collections import deque

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import models

from partnerships.models import Partnership

# The project's own apps; Django's and allauth's tables hold nothing of a
# partnership (staff accounts can belong to several partnerships and stay).
PROJECT_APPS = ("core", "accounts", "partnerships", "themes", "audits", "surveys", "lifecycle")
# Secrets, or hashes of them, never leave in an export.
SECRET_FIELDS = {"token", "token_hash"}
# Private storage folders named by partnership id.
STORAGE_FOLDERS = ("evidence", "submission-pdfs", "reference-sheets", "supplementary-evidence")


def _path_to_partnership(model) -> str | None:
    """The shortest lookup from `model` to Partnership through forward
    foreign keys ("partnership", "submission__partnership", …), or None."""
    if model is Partnership:
        return "pk"
    queue = deque([(model, "", 0)])
    seen = {model}
    while queue:
        current, prefix, depth = queue.popleft()
        if depth > 4:
            continue
        fields = sorted(
            (f for f in current._meta.get_fields() if isinstance(f, models.ForeignKey) and f.concrete),
            key=lambda f: f.name != "partnership",  # the direct key first
        )
        for field in fields:
            target = field.related_model
            lookup = f"{prefix}{field.name}"
            if target is Partnership:
                return lookup
            if target not in seen and target._meta.app_label in PROJECT_APPS:
                seen.add(target)
                queue.append((target, lookup + "__", depth + 1))
    return None


def partnership_models() -> list[tuple[type[models.Model], str]]:
    """Every project model (M2M tables included) with its lookup to the
    partnership; models that hold nothing of a partnership are left out."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PROJECT_APPS:
            continue
        lookup = _path_to_partnership(model)
        if lookup is not None:
            found.append((model, lookup))
    return found


def partnership_rows(partnership: Partnership) -> list[tuple[type[models.Model], models.QuerySet]]:
    return [
        (model, model._default_manager.filter(**{lookup: partnership.pk}).order_by("pk"))
        for model, lookup in partnership_models()
    ]


def partnership_counts(partnership: Partnership) -> dict[str, int]:
    return {model._meta.label: n for model, qs in partnership_rows(partnership) if (n := qs.count())}


def _storage_names(partnership: Partnership) -> list[str]:
    names = []
    for folder in STORAGE_FOLDERS:
        stack = [f"{folder}/{partnership.pk}"]
        while stack:
            current = stack.pop()
            try:
                folders, files = default_storage.listdir(current)
            except (FileNotFoundError, NotImplementedError):
                continue
            names.extend(f"{current}/{name}" for name in files)
            stack.extend(f"{current}/{sub}" for sub in folders)
    return sorted(names)


def partnership_export_write(partnership: Partnership, target) -> dict[str, int]:
    """Write the ZIP to the file object `target`: a JSON file per model
    (Django's serialisation, without secrets), and every stored file
    (evidence, submitted PDFs, reference sheets) under files/. Returns the
    row counts by model."""
    counts = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model, qs in partnership_rows(partnership):
            count = qs.count()
            if not count:
                continue
            counts[model._meta.label] = count
            fields = [
                f.name
                for f in model._meta.local_fields + model._meta.local_many_to_many
                if f.name not in SECRET_FIELDS and not f.primary_key
            ]
            archive.writestr(
                f"data/{model._meta.label_lower}.json",
                serializers.serialize("json", qs.iterator(), fields=fields, indent=1),
            )
        files = _storage_names(partnership)
        for name in files:
            with default_storage.open(name, "rb") as handle, archive.open(f"files/{name}", "w") as out:
                while chunk := handle.read(1 << 20):
                    out.write(chunk)
        archive.writestr(
            "about.json",
            json.dumps(
                {
                    "partnership": partnership.name,
                    "slug": partnership.slug,
                    "rows": counts,
                    "files": len(files),
                },
                indent=2,
            ),
        )
    return counts


def partnership_storage_names(partnership: Partnership) -> list[str]:
    return _storage_names(partnership)
