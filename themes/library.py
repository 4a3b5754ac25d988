"""The built-in question-set templates, kept as YAML data files in
themes/library/, and the validation every imported question set goes through.

The format is documented in docs/question-set-format.md.
"""

import functools
import json
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
    line: int | None = None  # in the YAML (or JSON) file, where known

    @property
    def where(self) -> str:
        if self.path and self.line:
            return f"{self.path} (line {self.line})"
        if self.line:
            return f"Line {self.line}"
        return self.path

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


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


@dataclass(frozen=True)
class LibraryQuestion:
    theme_key: str
    theme_title: str
    key: str
    text: str

    @property
    def library_key(self) -> str:
        """What a local question mapped to this one stores (themes.models.Question.library_key)."""
        return f"{self.theme_key}/{self.key}"


@functools.cache
def template_data(key: str) -> dict:
    """A built-in template, validated (as `validate` returns it): read once a
    process, as the files ship with the code. Callers must not change it.
    KeyError for a key that is not a template."""
    return validate(template_read(key))


def template_questions(key: str) -> tuple[LibraryQuestion, ...]:
    """The built-in questions of a template (its own local ones left out),
    in order: what a partnership's local question may be mapped to. Empty
    for a key that is not a template. The files ship with the code, so each
    is read once a process."""
    if key not in template_keys():
        return ()
    data = template_data(key)
    return tuple(
        LibraryQuestion(theme["key"], theme["title"], question["key"], question["text"])
        for theme in data["themes"]
        if not theme["is_local"]
        for question in theme["questions"]
        if not question["is_local"]
    )


def _text(node, field, path, problems, *, required=True, max_length=None):
    value = node.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(Problem(_join(path, field), "is required"))
        return ""
    if not isinstance(value, str):
        hint = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
        problems.append(Problem(_join(path, field), f"must be text{hint}"))
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


TOP_FIELDS = ("format", "key", "name", "description", "audience", "themes")
THEME_FIELDS = ("key", "title", "description", "guidance", "local", "descriptors", "questions")
DESCRIPTOR_FIELDS = ("red", "amber", "green")
QUESTION_FIELDS = ("key", "text", "guidance", "allows_na", "evidence_expected", "local", "maps_to")


def _unknown(node: dict, allowed, path, what, problems):
    for field in node:
        if field not in allowed:
            problems.append(
                Problem(
                    _join(path, str(field)),
                    f"is not a field of {what}; use {', '.join(allowed)}",
                )
            )


def _maps_to(question: dict, path: str, is_local: bool, problems: list) -> str:
    """A local question's mapping to a built-in question, "theme-key/question-key"."""
    value = _text(question, "maps_to", path, problems, required=False, max_length=121)
    if not value:
        return ""
    theme, sep, key = value.partition("/")
    slug = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    if not (sep and theme and key and set(theme) <= slug and set(key) <= slug):
        problems.append(
            Problem(
                _join(path, "maps_to"),
                "must be a built-in question's theme key and question key, like leadership/named-lead",
            )
        )
        return ""
    if not is_local:
        problems.append(Problem(_join(path, "maps_to"), "is only for a question of your own (local: true)"))
        return ""
    return value


def _mappings_check(template_key: str, mapped: list, own_keys: set[str], problems: list) -> None:
    """No two questions of a set answer to one library question, and a set
    copied from a built-in template maps only to that template's questions."""
    if not mapped:
        return  # (and a built-in template, which maps nothing, is read without reading itself)
    known = {q.library_key for q in template_questions(template_key)} if template_key else set()
    seen = set(own_keys)
    for path, value in mapped:
        if value in seen:
            problems.append(Problem(path, f"{value!r} is already the key of another question of the set"))
        elif known and value not in known:
            problems.append(
                Problem(path, f"{value!r} is not a question of the built-in set {template_key!r}")
            )
        seen.add(value)


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
    _unknown(data, TOP_FIELDS, "", "a question set", problems)
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
    # Library keys: each non-local question's own, and each local question's maps_to.
    own_keys: set[str] = set()
    mapped: list[tuple[str, str]] = []
    for t_index, theme in enumerate(themes):
        t_path = f"themes[{t_index}]"
        if not isinstance(theme, dict):
            problems.append(Problem(t_path, "must be a mapping"))
            continue
        _unknown(theme, THEME_FIELDS, t_path, "a theme", problems)
        key = _slug(theme, "key", t_path, problems)
        if key in theme_keys:
            problems.append(Problem(f"{t_path}.key", f"{key!r} is used by another theme"))
        theme_keys.add(key)
        descriptors = theme.get("descriptors")
        d_path = f"{t_path}.descriptors"
        if isinstance(descriptors, dict):
            _unknown(descriptors, DESCRIPTOR_FIELDS, d_path, "descriptors", problems)
            rag = {c: _text(descriptors, c, d_path, problems) for c in DESCRIPTOR_FIELDS}
        else:
            problems.append(Problem(d_path, "must give red, amber and green"))
            rag = dict.fromkeys(DESCRIPTOR_FIELDS, "")
        clean_theme = {
            "key": key,
            "title": _text(theme, "title", t_path, problems, max_length=200),
            "description": _text(theme, "description", t_path, problems, required=False),
            "guidance": _text(theme, "guidance", t_path, problems, required=False),
            **rag,
            "is_local": _bool(theme, "local", t_path, problems, False),
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
            _unknown(question, QUESTION_FIELDS, q_path, "a question", problems)
            q_key = _slug(question, "key", q_path, problems)
            if q_key in question_keys:
                problems.append(Problem(f"{q_path}.key", f"{q_key!r} is used by another question"))
            question_keys.add(q_key)
            is_local = _bool(question, "local", q_path, problems, False)
            maps_to = _maps_to(question, q_path, is_local, problems)
            if maps_to:
                mapped.append((f"{q_path}.maps_to", maps_to))
            elif not is_local:
                own_keys.add(f"{key}/{q_key}")
            clean_theme["questions"].append(
                {
                    "key": q_key,
                    "text": _text(question, "text", q_path, problems),
                    "guidance": _text(question, "guidance", q_path, problems, required=False),
                    "allows_na": _bool(question, "allows_na", q_path, problems, True),
                    "evidence_expected": _bool(question, "evidence_expected", q_path, problems, False),
                    "is_local": is_local,
                    "library_key": maps_to,
                }
            )
        result["themes"].append(clean_theme)
    _mappings_check(result["key"], mapped, own_keys, problems)
    if problems:
        raise QuestionSetFormatError(problems)
    return result


# ---------------------------------------------------------------------------
# Reading a file: YAML or JSON, every problem with its line
# ---------------------------------------------------------------------------

MAX_FILE_BYTES = 1024 * 1024


class _Loader(yaml.SafeLoader):
    """Safe YAML, minus aliases: `*name` lets a few lines expand into a huge
    document, and a question set never needs one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed; write the text out in full",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def _yaml_lines(node, path: str, lines: dict, problems: list) -> None:
    """Map each path in the document to the line it starts on, and note any
    key given twice (YAML would otherwise keep the last one silently)."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = _join(path, str(key))
            if key in seen:
                problems.append(Problem(child, "is given twice", key_node.start_mark.line + 1))
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _yaml_lines(value_node, child, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines[child] = item.start_mark.line + 1
            _yaml_lines(item, child, lines, problems)


def _line_for(path: str, lines: dict) -> int | None:
    """The line of the path, or of the nearest enclosing node that exists
    (a missing field is reported at the line of its theme or question)."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def _read_yaml(text: str):
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise QuestionSetFormatError([Problem("", "the file is empty")])
        lines: dict = {"": node.start_mark.line + 1}
        problems: list[Problem] = []
        _yaml_lines(node, "", lines, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        raise QuestionSetFormatError(
            [Problem("", f"this is not valid YAML: {message}", mark.line + 1 if mark else None)]
        ) from exc
    except yaml.YAMLError as exc:
        raise QuestionSetFormatError([Problem("", f"this is not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    return data, lines, problems


def _read_json(text: str):
    problems: list[Problem] = []

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                problems.append(Problem(key, "is given twice (in one object)"))
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise QuestionSetFormatError(
            [Problem("", f"this is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)]
        ) from exc
    return data, {}, problems


def detect_format(text: str, filename: str = "") -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip().startswith(("{", "[")) else "yaml"


def parse(content: bytes | str, *, filename: str = "") -> dict:
    """Read a question-set file (YAML or JSON, told apart by the file's
    extension or else its first character) and validate all of it.

    Returns the normalised data (as `validate`). Raises QuestionSetFormatError
    listing every problem, each with its path and, for YAML, its line."""
    if isinstance(content, bytes):
        if len(content) > MAX_FILE_BYTES:
            raise QuestionSetFormatError([Problem("", "the file must be smaller than 1MB")])
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QuestionSetFormatError(
                [Problem("", "the file must be text in UTF-8 (save it as UTF-8 and try again)")]
            ) from exc
    if not content.strip():
        raise QuestionSetFormatError([Problem("", "the file is empty")])
    reader = _read_json if detect_format(content, filename) == "json" else _read_yaml
    data, lines, problems = reader(content)
    try:
        clean = validate(data)
    except QuestionSetFormatError as exc:
        problems.extend(exc.problems)
    if problems:
        raise QuestionSetFormatError(
            [Problem(p.path, p.message, p.line or _line_for(p.path, lines)) for p in problems]
        )
    return clean


# ---------------------------------------------------------------------------
# Writing a file
# ---------------------------------------------------------------------------


def export_data(question_set, themes) -> dict:
    """A question set as format data: `themes` in order, each with
    `.questions.all()` in order (themes.selectors.theme_list_with_questions).
    Optional fields are written only when they say something, so a file
    reads like the built-in templates."""
    data = {
        "format": FORMAT,
        "key": question_set.template_key or None,
        "name": question_set.name,
        "description": question_set.description or None,
        "audience": str(question_set.audience),
        "themes": [],
    }
    for theme in themes:
        theme_data = {
            "key": theme.key,
            "title": theme.title,
            "description": theme.description or None,
            "guidance": theme.guidance or None,
            "local": True if theme.is_local else None,
            "descriptors": {
                "red": theme.red_descriptor,
                "amber": theme.amber_descriptor,
                "green": theme.green_descriptor,
            },
            "questions": [],
        }
        for question in theme.questions.all():
            question_data = {
                "key": question.key,
                "text": question.text,
                "guidance": question.guidance or None,
                "allows_na": question.allows_na,
                "evidence_expected": question.evidence_expected,
                "local": True if question.is_local else None,
                "maps_to": question.library_key or None,
            }
            theme_data["questions"].append({k: v for k, v in question_data.items() if v is not None})
        data["themes"].append({k: v for k, v in theme_data.items() if v is not None})
    return {k: v for k, v in data.items() if v is not None}


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value: str):
    # Text with line breaks as a literal block, so guidance reads as written.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump(data: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
