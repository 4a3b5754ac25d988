"""The built-in question-set templates, kept as YAML data files in
themes/library/, and the validation every imported question set goes through.

The format is documented in docs/question-set-format.md.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import Audience

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
FORMAT = "s11portal/question-set@1"


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}" if self.path else self.message


class QuestionSetFormatError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def template_keys() -> list[str]:
    return sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))


def template_read(key: str) -> dict:
    path = LIBRARY_DIR / f"{key}.yaml"
    if key not in template_keys():
        raise KeyError(f"No built-in question set called {key!r}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _text(node, field, path, problems, *, required=True, max_length=None):
    value = node.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(_join(path, field), "is required"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(_join(path, field), "must be text"))
        return ""
    if max_length and len(value) > max_length:
        problems.append(Problem(_join(path, field), f"must be {max_length} characters or fewer"))
    return value.strip()


def _slug(node, field, path, problems):
    value = _text(node, field, path, problems, max_length=60)
    if value and not all(c.islower() or c.isdigit() or c in "-_" for c in value):
        problems.append(Problem(_join(path, field), "must use only lower-case letters, digits, - and _"))
    return value


def _bool(node, field, path, problems, default):
    value = node.get(field, default)
    if not isinstance(value, bool):
        problems.append(Problem(_join(path, field), "must be true or false"))
        return default
    return value


def validate(data) -> dict:
    """Check a question set read from YAML or JSON and return it normalised.

    Raises QuestionSetFormatError listing every problem, each with the path of
    the field it is about (e.g. `themes[2].questions[0].text`).
    """
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise QuestionSetFormatError([Problem("", "the file must hold a mapping at the top level")])
    if data.get("format") != FORMAT:
        problems.append(Problem("format", f"must be {FORMAT!r}"))
    result = {
        "key": _slug(data, "key", "", problems) if data.get("key") else "",
        "name": _text(data, "name", "", problems, max_length=200),
        "description": _text(data, "description", "", problems, required=False),
        "audience": data.get("audience", Audience.STATUTORY),
        "themes": [],
    }
    if result["audience"] not in Audience.values:
        problems.append(Problem("audience", f"must be one of {', '.join(Audience.values)}"))
    themes = data.get("themes")
    if not isinstance(themes, list) or not themes:
        problems.append(Problem("themes", "must be a list with at least one theme"))
        themes = []
    theme_keys = set()
    for t_index, theme in enumerate(themes):
        t_path = f"themes[{t_index}]"
        if not isinstance(theme, dict):
            problems.append(Problem(t_path, "must be a mapping"))
            continue
        key = _slug(theme, "key", t_path, problems)
        if key in theme_keys:
            problems.append(Problem(f"{t_path}.key", f"{key!r} is used by another theme"))
        theme_keys.add(key)
        descriptors = theme.get("descriptors")
        if not isinstance(descriptors, dict):
            problems.append(Problem(f"{t_path}.descriptors", "must give red, amber and green"))
            descriptors = {}
        clean_theme = {
            "key": key,
            "title": _text(theme, "title", t_path, problems, max_length=200),
            "description": _text(theme, "description", t_path, problems, required=False),
            "guidance": _text(theme, "guidance", t_path, problems, required=False),
            "red": _text(descriptors, "red", f"{t_path}.descriptors", problems),
            "amber": _text(descriptors, "amber", f"{t_path}.descriptors", problems),
            "green": _text(descriptors, "green", f"{t_path}.descriptors", problems),
            "questions": [],
        }
        questions = theme.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(Problem(f"{t_path}.questions", "must be a list with at least one question"))
            questions = []
        question_keys = set()
        for q_index, question in enumerate(questions):
            q_path = f"{t_path}.questions[{q_index}]"
            if not isinstance(question, dict):
                problems.append(Problem(q_path, "must be a mapping"))
                continue
            q_key = _slug(question, "key", q_path, problems)
            if q_key in question_keys:
                problems.append(Problem(f"{q_path}.key", f"{q_key!r} is used by another question"))
            question_keys.add(q_key)
            clean_theme["questions"].append(
                {
                    "key": q_key,
                    "text": _text(question, "text", q_path, problems),
                    "guidance": _text(question, "guidance", q_path, problems, required=False),
                    "allows_na": _bool(question, "allows_na", q_path, problems, True),
                    "evidence_expected": _bool(question, "evidence_expected", q_path, problems, False),
                }
            )
        result["themes"].append(clean_theme)
    if problems:
        raise QuestionSetFormatError(problems)
    return result
