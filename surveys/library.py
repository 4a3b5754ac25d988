"""The built-in practitioners' surveys, kept as YAML beside this module
(surveys/library/*.yaml), each question linked to self-assessment questions
of the built-in question sets (themes/library/*.yaml) by their keys."""

from pathlib import Path

import yaml

from .models import QuestionKind

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
FORMAT = "s11portal/practitioner-survey@1"


def survey_template_keys() -> list[str]:
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))


def survey_template_read(key: str) -> dict:
    if key not in survey_template_keys():
        raise KeyError(f"No built-in practitioners' survey called {key!r}")
    data = yaml.safe_load((LIBRARY_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{key}.yaml is not a {FORMAT} file")
    for question in data["questions"]:
        QuestionKind(question["kind"])  # a typo is an error, not a silent default
    return data
