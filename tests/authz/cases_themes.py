"""Question-set pages (audits/urls_staff/question_sets.py). The world's own set is in use
(its cycle is open), so the builder's write pages are tried on a draft made
for the purpose: a permitted admin then gets the real page, not a refusal."""

from partnerships.permissions import Perm
from tests.factories import QuestionSetFactory
from themes.models import Question, QuestionSet

from .cases import Case


def draft(w) -> QuestionSet:
    """A draft set of this world's partnership, made once per world."""
    if getattr(w, "qset_draft", None) is None:
        w.qset_draft = QuestionSetFactory(
            partnership=w.partnership,
            name=f"Draft of {w.partnership.slug}",
            status=QuestionSet.Status.DRAFT,
            published_at=None,
            themes=2,
            themes__questions=2,
        )
    return w.qset_draft


def _theme(w, n=0):
    return draft(w).themes.order_by("order")[n]


def _question(w, n=0):
    return _theme(w).questions.order_by("order")[n]


def mapped_draft(w):
    """A draft copied from the CSAP template with one local question (what
    the mapping page maps), made once per world."""
    if getattr(w, "qset_csap", None) is None:
        w.qset_csap = QuestionSetFactory(
            partnership=w.partnership,
            name=f"CSAP draft of {w.partnership.slug}",
            status=QuestionSet.Status.DRAFT,
            published_at=None,
            template_key="csap",
            themes=1,
            themes__questions=1,
        )
        theme = w.qset_csap.themes.get()
        Question.objects.create(theme=theme, key="local", order=2, text="Our own question?", is_local=True)
    return w.qset_csap


def _local_question(w):
    question_set = mapped_draft(w)
    return {
        "pk": question_set.pk,
        "question_pk": Question.objects.get(theme__question_set=question_set, is_local=True).pk,
    }


def _set(w):
    return {"pk": draft(w).pk}


MOVED = (302,)

CASES = [
    Case("staff_question_sets", Perm.VIEW),
    Case("staff_question_set_create", Perm.MANAGE),
    Case("staff_question_set_import", Perm.MANAGE),
    Case("staff_question_set", Perm.VIEW, lambda w: {"pk": w.question_set.pk}),
    Case("staff_question_set_edit", Perm.MANAGE, _set),
    Case("staff_question_set_publish", Perm.MANAGE, _set, method="post", ok=MOVED),
    Case(
        "staff_question_set_new_version",
        Perm.MANAGE,
        lambda w: {"pk": w.question_set.pk},
        method="post",
        ok=MOVED,
    ),
    Case("staff_question_set_copy", Perm.MANAGE, _set),
    Case("staff_question_set_delete", Perm.MANAGE, _set),
    Case("staff_question_set_diff", Perm.VIEW, lambda w: {"pk": w.question_set.pk}),
    Case("staff_question_set_export", Perm.VIEW, lambda w: {"pk": w.question_set.pk, "fmt": "yaml"}),
    Case(
        "staff_question_set_export",
        Perm.VIEW,
        lambda w: {"pk": w.question_set.pk, "fmt": "json"},
        id_suffix="json",
    ),
    Case("staff_question_set_theme_add", Perm.MANAGE, _set),
    Case("staff_question_set_theme_edit", Perm.MANAGE, lambda w: {**_set(w), "theme_pk": _theme(w).pk}),
    Case(
        "staff_question_set_theme_move",
        Perm.MANAGE,
        lambda w: {**_set(w), "theme_pk": _theme(w).pk},
        method="post",
        data=lambda w: {"direction": "down"},
        ok=MOVED,
    ),
    Case("staff_question_set_theme_delete", Perm.MANAGE, lambda w: {**_set(w), "theme_pk": _theme(w).pk}),
    Case(
        "staff_question_set_theme_preview",
        Perm.VIEW,
        lambda w: {"pk": w.question_set.pk, "theme_pk": w.question_set.themes.order_by("order")[0].pk},
    ),
    # Anyone on the staff may look at the preview; trying its checks (a POST,
    # nothing saved) is for admins: a reader's or reviewer's POST is a 403.
    Case(
        "staff_question_set_theme_preview",
        Perm.MANAGE,
        lambda w: {"pk": w.question_set.pk, "theme_pk": w.question_set.themes.order_by("order")[0].pk},
        method="post",
        data=lambda w: {"version": "0", "rag": "green", "comments": ""},
        ok=(200, 302),
        id_suffix="post",
    ),
    Case("staff_question_set_question_add", Perm.MANAGE, lambda w: {**_set(w), "theme_pk": _theme(w).pk}),
    Case(
        "staff_question_set_question_edit", Perm.MANAGE, lambda w: {**_set(w), "question_pk": _question(w).pk}
    ),
    Case(
        "staff_question_set_question_move",
        Perm.MANAGE,
        lambda w: {**_set(w), "question_pk": _question(w).pk},
        method="post",
        data=lambda w: {"direction": "down"},
        ok=MOVED,
    ),
    Case(
        "staff_question_set_question_delete",
        Perm.MANAGE,
        lambda w: {**_set(w), "question_pk": _question(w).pk},
    ),
    Case("staff_question_set_question_map", Perm.MANAGE, _local_question),
    Case(
        "staff_question_set_question_map",
        Perm.MANAGE,
        _local_question,
        method="post",
        data=lambda w: {"library_key": "leadership/board-level-lead"},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_question_set_cycle", Perm.MANAGE, lambda w: {"cycle_slug": w.cycle.slug}),
    Case(
        "staff_question_set_cycle_rule_delete",
        Perm.MANAGE,
        lambda w: {"cycle_slug": w.cycle.slug, "rule_pk": _rule(w).pk},
        method="post",
        ok=MOVED,
    ),
    Case("staff_library", Perm.VIEW),
    Case("staff_library_template", Perm.VIEW, lambda w: {"key": "csap"}),
    Case("staff_library_copy", Perm.MANAGE, lambda w: {"key": "csap"}),
]


def _rule(w):
    """A rule giving the world's voluntary sector their own set; made again
    if a permitted request has removed it."""
    from audits.models import CycleQuestionSet
    from audits.services.question_sets import cycle_question_set_assign

    existing = CycleQuestionSet.objects.filter(cycle=w.cycle, sector="voluntary").first()
    if existing is None:
        published = getattr(w, "qset_published", None)
        if published is None:
            published = w.qset_published = QuestionSetFactory(partnership=w.partnership, themes=1)
        existing = cycle_question_set_assign(cycle=w.cycle, question_set=published, sector="voluntary")
    return existing
