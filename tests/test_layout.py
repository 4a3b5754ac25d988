"""The layout every app follows (docs/architecture.md, "Inside an app"): the
same module names in every app, each template in the app it belongs to, and
tests beside the module they test. A module, a template folder or a test
file outside the rule fails here until it moves, or until the rule (and the
docs) names it as an exception with its reason."""

import ast
from collections import Counter, defaultdict
from pathlib import Path

from tests.conftest import REPO_ROOT

APPS = (
    "core",
    "accounts",
    "partnerships",
    "themes",
    "audits",
    "surveys",
    "lifecycle",
    "guidance",
    "joining",
    "organisations",
    "reports",
    "demo",
)

# Every app's modules have these names, each a file or, once it splits, a
# package of the same name.
STANDARD = {
    # Django's
    "__init__",
    "apps",
    "models",
    "admin",
    "migrations",
    "management",
    "templatetags",
    "templates",
    "static",
    # ours
    "selectors",
    "services",
    "forms",
    "views",
    "urls",
    "urls_staff",
    "emails",
    "tasks",
    "exports",
}

# The named exceptions, each with its reason in docs/architecture.md.
EXCEPTIONS = {
    "core": {
        "aggregates",
        "audit",
        "clamav",
        "client_ip",
        "formatting",
        "dates",
        "domain",
        "joined_select",
        "outbox",
        "pdf",
        "process_cache",
        "ratelimit",
        "spreadsheets",
    },
    "accounts": {"adapter", "admin_apps", "admin_site", "mfa"},
    "partnerships": {"middleware", "permissions", "scope", "staff"},
    "audits": {"access", "policy"},
    "organisations": {"session"},
    "themes": {"library"},
    "surveys": {"library"},
    "guidance": {"formatting"},
    "demo": {"data", "surveys", "reports", "meetings"},
}

# The project's templates/ holds only what every app shares.
PROJECT_TEMPLATES = {
    "base.html",
    "403.html",
    "404.html",
    "413.html",
    "429.html",
    "500.html",
    "includes",
    "emails",
    "legal",
    "account",
    "allauth",
    "mfa",
    "staff/base.html",
    "pdf/base.html",
    "pdf/_styles.css",
}

# An app's templates are named after the app, except the staff workspace's
# pages (staff/<area>/…) and audits' PDFs (pdf/…), which kept the names
# they had before they moved into their apps.
SHARED_NAMESPACES = {"audits": {"staff", "pdf"}, "partnerships": {"staff"}}

# Test folders that are not an app's: by concern, across every app.
TEST_FOLDERS_BY_CONCERN = {"authz", "e2e"}


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name != "__pycache__" and not p.name.startswith(".")]


def _module_names(app: str) -> set[str]:
    """Every module and package name in the app, at any depth."""
    names = set()
    for path in (REPO_ROOT / app).rglob("*.py"):
        parts = path.relative_to(REPO_ROOT / app).with_suffix("").parts
        if "migrations" not in parts:
            names.update(part for part in parts if part != "__init__")
    return names


def test_every_app_has_only_the_standard_modules_and_its_named_exceptions():
    strays = []
    for app in APPS:
        allowed = STANDARD | EXCEPTIONS.get(app, set())
        for entry in _entries(REPO_ROOT / app):
            name = entry.stem if entry.suffix == ".py" else entry.name
            if name not in allowed:
                strays.append(f"{app}/{entry.name}")
    assert strays == [], (
        "modules outside the layout (docs/architecture.md, 'Inside an app'): move each into "
        "selectors, services, views, … or name it as an exception there and in tests/test_layout.py: "
        + ", ".join(strays)
    )


def test_the_named_exceptions_still_exist():
    gone = [
        f"{app}.{name}"
        for app, names in EXCEPTIONS.items()
        for name in names
        if not (REPO_ROOT / app / f"{name}.py").exists() and not (REPO_ROOT / app / name).is_dir()
    ]
    assert gone == []


def _template_names(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in sorted(root.rglob("*")) if p.is_file()]


def test_the_project_templates_are_only_the_shared_ones():
    root = REPO_ROOT / "templates"
    strays = [
        name
        for name in _template_names(root)
        if name not in PROJECT_TEMPLATES and name.split("/", 1)[0] not in PROJECT_TEMPLATES
    ]
    assert strays == [], f"templates that belong in an app's templates/ folder: {strays}"


def test_each_app_keeps_its_templates_under_its_own_name():
    strays = []
    for app in APPS:
        root = REPO_ROOT / app / "templates"
        if not root.is_dir():
            continue
        allowed = {app} | SHARED_NAMESPACES.get(app, set())
        strays += [f"{app}/templates/{e.name}" for e in _entries(root) if e.name not in allowed]
    assert strays == [], f"template folders named after another app: {strays}"
    assert not (REPO_ROOT / "s11portal" / "templates").exists(), "project-wide templates live in templates/"


def test_no_template_name_is_in_two_places():
    """One would shadow the other, silently, by INSTALLED_APPS order."""
    names = Counter(_template_names(REPO_ROOT / "templates"))
    areas = defaultdict(set)  # staff/<area> → apps
    for app in APPS:
        root = REPO_ROOT / app / "templates"
        if root.is_dir():
            for name in _template_names(root):
                names[name] += 1
                if name.startswith("staff/"):
                    areas[name.split("/")[1]].add(app)
    assert [name for name, n in names.items() if n > 1] == []
    assert {area: apps for area, apps in areas.items() if len(apps) > 1} == {}


def test_tests_mirror_the_code():
    """tests/<app>/test_<module>[_<topic>].py, <module> being a module or
    package of that app at any depth; other modules there are helpers."""
    tests = REPO_ROOT / "tests"
    folders = {e.name for e in _entries(tests) if e.is_dir()}
    assert folders - set(APPS) - TEST_FOLDERS_BY_CONCERN == set()
    strays = []
    for app in APPS:
        if not (tests / app).is_dir():
            continue
        modules = _module_names(app)
        for path in sorted((tests / app).glob("test_*.py")):
            topic = path.stem.removeprefix("test_")
            if not any(topic == m or topic.startswith(m + "_") for m in modules):
                strays.append(f"tests/{app}/{path.name}")
    assert strays == [], f"test files not named after a module of their app: {strays}"


def test_an_import_inside_a_function_says_why():
    """Imports sit at the top of the module; those inside a function (a heavy
    library loaded only when needed, models once the app registry is ready,
    a development-only dependency, a script's modules after django.setup())
    carry a comment saying why, on the first one's line or the line above."""
    unexplained = []
    for app in (*APPS, "s11portal", "bench"):
        for path in sorted((REPO_ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = path.read_text().splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                imports = sorted(
                    inner.lineno for inner in ast.walk(node) if isinstance(inner, ast.Import | ast.ImportFrom)
                )
                if imports:
                    here, above = lines[imports[0] - 1], lines[imports[0] - 2]
                    if "#" not in here and not above.strip().startswith("#"):
                        unexplained.append(f"{path.relative_to(REPO_ROOT)}:{imports[0]}")
    assert unexplained == [], f"imports inside functions with no comment saying why: {unexplained}"
