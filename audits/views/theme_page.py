"""What the agency's pages show, worked out in Python once, so that their
templates are plain loops over ready values: the theme page (shared with the
question-set builder's preview of it), the action plan parts of the theme
page and task list, and the rows of "check your answers".

Why here and not in templates: every {% include %}, {% url %} and
BoundField costs a template render or a URL resolution per question, and on
a 120-question return that was two thirds of the page's time
(docs/performance.md). A radio's id, whether it is checked and what the
fieldset is described by are computed below, once per question; links to a
theme are made from one reversed URL per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from .. import policy
from ..models import RAG_MEANING, AnswerValue, Rag
from ..selectors.actions import ThemePlan
from ..services.evidence_files import EVIDENCE_TYPES_HINT
from ..templatetags.s11 import rag_tag

ANSWER_LABELS = dict(AnswerValue.choices)
_KEY_MARKER = "S11-THEME-KEY-MARKER"


def theme_url_maker(partnership_slug: str):
    """theme key → the theme page's address, from one reverse() a page."""
    pattern = reverse("theme", kwargs={"partnership_slug": partnership_slug, "theme_key": _KEY_MARKER})
    return lambda key: pattern.replace(_KEY_MARKER, quote(key, safe=""))


@dataclass(frozen=True)
class Radio:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionRow:
    number: int
    question: object
    name: str
    radios: tuple[Radio, ...]
    errors: tuple[str, ...]
    describedby: str  # the fieldset's aria-describedby, "" for none
    hint_id: str
    error_id: str
    last_note: str  # "new" | "changed" | ""
    last_answer_label: str


def _field_value(form, name):
    if form.is_bound:
        return form.data.get(form.add_prefix(name))
    return form.initial.get(name)


def _question_rows(form, last) -> list[QuestionRow]:
    rows = []
    errors = form.errors if form.is_bound else {}
    last_answers = last["answers"] if last else {}
    last_new = last["new"] if last else ()
    for number, question in enumerate(form.questions, 1):
        name = f"q_{question.pk}"
        value = _field_value(form, name)
        field_errors = tuple(errors.get(name, ()))
        hint_id, error_id = f"id_{name}-hint", f"id_{name}-error"
        describedby = (hint_id if question.guidance else "") + (f" {error_id}" if field_errors else "")
        radios = tuple(
            Radio(f"id_{name}_{n}", choice, label, value == choice)
            for n, (choice, label) in enumerate(form.fields[name].choices, 1)
        )
        note, before = "", ""
        if last:
            before = last_answers.get(question.pk, "")
            if question.pk in last_new:
                note = "new"
            elif before and before != value:
                note = "changed"
        rows.append(
            QuestionRow(
                number,
                question,
                name,
                radios,
                field_errors,
                describedby,
                hint_id,
                error_id,
                note,
                ANSWER_LABELS.get(before, ""),
            )
        )
    return rows


def _rag_radios(form, theme) -> list[dict]:
    value = _field_value(form, "rag")
    return [
        {
            "n": n,
            "value": choice,
            "label": label,
            "meaning": RAG_MEANING.get(choice, ""),
            "descriptor": theme.descriptor(choice),
            "checked": value == choice,
        }
        for n, (choice, label) in enumerate(reversed(Rag.choices), 1)
    ]


def theme_action_section(*, submission, theme, rag: str, items=None) -> dict:
    """The action plan part of a theme page. `items`: the theme's action
    items (with their updates), read by the caller; none for the preview."""
    needs_actions = rag in (Rag.AMBER, Rag.RED)
    if not submission:
        # The question-set builder's preview of a theme page has no return.
        return {
            "submission": None,
            "theme": theme,
            "items": [],
            "rag": rag,
            "needs_actions": needs_actions,
            "required": False,
            "can_add": False,
            "editable": False,
            "can_update": False,
        }
    items = list(items or ())
    for item in items:
        item.can_change = bool(policy.may_change_action(item))
    can_add = bool(policy.may_add_action(submission))
    editable = bool(policy.may_edit(submission))
    return {
        "submission": submission,
        "theme": theme,
        "items": items,
        "rag": rag,
        "needs_actions": needs_actions,
        "required": submission.cycle.action_items_required,
        "can_add": can_add,
        "editable": editable,
        "can_update": bool(policy.may_update_actions(submission)),
    }


def task_list_action_entry(*, submission, plans: list[ThemePlan]) -> dict:
    """The action plan's entry in the task list, from the return's plans."""
    can_add = bool(policy.may_add_action(submission))
    return {
        "submission": submission,
        "total": sum(len(p.items) for p in plans),
        "overdue": sum(p.overdue for p in plans),
        "missing": [p.theme for p in plans if p.needs_actions and not p.items],
        "needed": any(p.needs_actions for p in plans),
        "can_add": can_add,
    }


def _read_only_section(*, theme, rows, response, evidence, items) -> dict:
    """A submitted theme as one section of audits/_answers.html (the
    check-answers markup): what was answered, no form controls."""
    questions = [(row.question, next((r.value for r in row.radios if r.checked), None)) for row in rows]
    return {
        "theme": theme,
        "questions": questions,
        "answered": sum(1 for _, a in questions if a),
        "response": response,
        "evidence": list(evidence),
        "action_items": list(items),
    }


def theme_page_context(
    *,
    theme,
    form,
    can_edit: bool,
    why_not: str = "",
    submission=None,
    response=None,
    evidence=(),
    staged=(),
    version=0,
    conflict=None,
    position: int,
    total_themes: int,
    is_last: bool,
    last=None,
    action_items=None,
) -> dict:
    """Everything audits/theme.html shows, for an agency's return or (with
    no submission) the question-set builder's preview of the theme. A
    submitted (locked) return's theme is a read-only summary (`read_only`),
    not a disabled form."""
    question_rows = _question_rows(form, last)
    action_section = theme_action_section(
        submission=submission, theme=theme, rag=response.rag if response else "", items=action_items
    )
    read_only = None
    if submission is not None and submission.is_locked:
        read_only = _read_only_section(
            theme=theme,
            rows=question_rows,
            response=response,
            evidence=evidence,
            items=action_section["items"],
        )
    return {
        "read_only": read_only,
        "read_only_sections": answer_sections_prepare(sections=[read_only], change=False)
        if read_only
        else [],
        "answer_labels": ANSWER_LABELS,
        "can_edit": can_edit,
        "why_not": why_not,
        "theme": theme,
        "form": form,
        "question_rows": question_rows,
        "rag_radios": _rag_radios(form, theme),
        "rag_errors": form.errors.get("rag", ()) if form.is_bound else (),
        "rag_value": _field_value(form, "rag"),
        "last": last,
        "evidence": evidence,
        "staged": staged,
        "staged_value": ",".join(str(e.pk) for e in staged),
        "version": version,
        "conflict": conflict,
        "response": response,
        "position": position,
        "total_themes": total_themes,
        "is_last": is_last,
        "evidence_hint": EVIDENCE_TYPES_HINT,
        "max_upload_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "action_section": action_section,
    }


def answer_sections_link(*, sections: list[dict], partnership_slug: str) -> list[dict]:
    """Give each section of selectors.submission_full its theme page's
    address (`theme_url`) for the "Change" links: one reverse() a page."""
    theme_url = theme_url_maker(partnership_slug)
    for section in sections:
        section["theme_url"] = theme_url(section["theme"].key)
    return sections


def answer_sections_prepare(*, sections: list[dict], change: bool) -> list[dict]:
    """What audits/_answers.html shows of each section, worked out once in
    Python so that its loop over a return's 120 answers is a plain loop
    over ready strings: per answer (question text escaped once, answer label
    or "" for not answered, the "Change" link's address or "" without
    links); per theme its heading, status line and rating tag (rendered once
    a page for each rating, though the card shows it twice). Numbers are
    formatted here, not by the template's localisation of each one, which
    cost more than the rest of a row. `change`: links to change each answer
    (sections given their `theme_url` by answer_sections_link)."""
    rag_html: dict[tuple[str, bool], str] = {}
    for section in sections:
        theme = section["theme"]
        response = section["response"]
        questions = section["questions"]
        base = section.get("theme_url", "") if change else ""
        section["rows"] = [
            (
                escape(question.text),
                ANSWER_LABELS.get(answer, "") if answer else "",
                f"{base}#id_q_{question.pk}_1" if base else "",
            )
            for question, answer in questions
        ]
        total = len(questions)
        section["heading"] = f"{theme.order}. {theme.title}"
        section["status"] = f"{section['answered']} of {total} question{'' if total == 1 else 's'} answered"
        key = (response.rag, bool(response.rag_defaulted)) if response else ("", False)
        if key not in rag_html:
            rag_html[key] = render_to_string("includes/rag_tag.html", rag_tag(*key))
        section["rag_html"] = rag_html[key]
    return sections
