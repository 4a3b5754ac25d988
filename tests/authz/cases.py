"""How each staff URL is tried. Every part of the workspace lists its URLs in
its own module tests/authz/cases_<part>.py as

    CASES = [Case("staff_cycle_dashboard", Perm.VIEW, lambda w: {"cycle_slug": w.cycle.slug})]

`kwargs(world)` gets one partnership's World (tests/factories.py; its
submission is submitted), called for alpha and for bravo, and returns the URL's
keyword arguments other than partnership_slug; it may create what the URL
needs. For a POST-only URL give method="post" and `data(w)`. `ok` are the
statuses a permitted role may get. test_staff_urls.py fails if a staff URL
has no case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from partnerships.permissions import Perm


@dataclass(frozen=True)
class Case:
    url_name: str
    perm: Perm
    kwargs: Callable = field(default=lambda w: {})
    method: str = "get"
    data: Callable = field(default=lambda w: {})
    ok: tuple[int, ...] = (200,)
    # What else a locality lead may get for a URL that names no agency when
    # the world's agency is outside their localities (a form refusing it).
    ok_out_of_scope: tuple[int, ...] = ()
    id_suffix: str = ""

    @property
    def id(self) -> str:
        return self.url_name + (f"-{self.id_suffix}" if self.id_suffix else "")
