from partnerships.permissions import Perm

from .cases import Case


def _cycle(w):
    # Both worlds' cycles share a slug, as real partnerships' often do. Give
    # bravo's its own, so that asking for it under alpha's address is a URL
    # of its own, which must be a 404 (alpha's cycle is never shown for it).
    if w.partnership.slug == "bravo" and w.cycle.slug == "s11-2026":
        w.cycle.slug = "bravo-2026"
        w.cycle.save(update_fields=["slug"])
    return {"cycle_slug": w.cycle.slug}


CASES = [
    Case("staff_cycle_dashboard", Perm.VIEW, _cycle),
    Case("staff_cycle_heatmap", Perm.VIEW, _cycle),
    Case("staff_cycle_questions", Perm.VIEW, _cycle),
]
