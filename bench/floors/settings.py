"""Production settings plus the floors' URLs and templates (bench only)."""

from s11portal.settings.production import *  # noqa: F403
from s11portal.settings.production import TEMPLATES

ROOT_URLCONF = "bench.floors.urls"
TEMPLATES = [
    {
        **TEMPLATES[0],
        "DIRS": [*TEMPLATES[0]["DIRS"], __import__("pathlib").Path(__file__).parent / "templates"],
    }
]
