"""Render cost of check your answers' 120 answers three ways, from the same
rows, template rendering only (no request, no database):

- the old structure: an {% include %} per answer and a {% url %} per row;
- the lean Django template the service uses (audits/_answers.html: plain
  loops, one reverse() a page);
- the same markup in Jinja2 (what Django's Jinja2 backend would render).

    PYTHONPATH=/path/to/jinja2 .venv/bin/python bench/templates_compare.py [--rounds 300]

Jinja2 is not a dependency of the service: install it anywhere on PYTHONPATH
to run the third row (`pip install --target /tmp/jinja jinja2`).
Prints the median milliseconds a render.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s11portal.settings.test")


TEMPLATES = Path(__file__).resolve().parent / "templates_compare"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    from django.template import engines

    from audits.models import AnswerValue
    from audits.views.theme_page import theme_url_maker

    theme_url = theme_url_maker("bench")
    sections = []
    for t in range(1, 11):
        theme = SimpleNamespace(key=f"theme-{t}", order=t, title=f"Theme {t}")
        questions = [
            (
                SimpleNamespace(
                    pk=t * 100 + q, text=f"Question {q} of theme {t}: does your organisation do this?"
                ),
                "yes",
            )
            for q in range(1, 13)
        ]
        sections.append({"theme": theme, "questions": questions, "theme_url": theme_url(theme.key)})
    context = {
        "sections": sections,
        "change": True,
        "partnership": SimpleNamespace(slug="bench"),
        "answer_labels": dict(AnswerValue.choices),
    }
    django_engine = engines["django"]
    candidates = {
        "Django, include and url per answer (before)": django_engine.from_string(
            (TEMPLATES / "old.html").read_text()
        ),
        "Django, plain loop (now)": django_engine.from_string((TEMPLATES / "lean.html").read_text()),
    }
    try:
        # optional: Jinja2 is compared only when it is installed
        import jinja2

        env = jinja2.Environment(autoescape=True)
        jinja_template = env.from_string((TEMPLATES / "jinja.html").read_text())
        candidates["Jinja2, same markup"] = SimpleNamespace(render=lambda ctx: jinja_template.render(**ctx))
    except ImportError:
        print("(Jinja2 not installed: its row is left out)")
    outputs = {}
    print(f"{'120 answers rendered by':46} {'median ms':>10}")
    for label, template in candidates.items():
        for _ in range(20):
            outputs[label] = template.render(context)
        times = []
        for _ in range(args.rounds):
            started = time.process_time()
            template.render(context)
            times.append((time.process_time() - started) * 1000)
        print(f"{label:46} {statistics.median(times):10.3f}")
    lean, jinja = outputs["Django, plain loop (now)"], outputs.get("Jinja2, same markup")
    if jinja is not None:
        normalise = lambda html: " ".join(html.split())  # noqa: E731
        print("same HTML from Jinja2 and the lean template:", normalise(lean) == normalise(jinja))


if __name__ == "__main__":
    main()
