"""Staff access to a partnership's workspace.

Every staff page is under /<partnership-slug>/staff/ and is wrapped in
`staff_required(perm)`:

- not signed in (an agency session is not a staff sign-in) → the sign-in page;
- signed in, but this session has not passed the second factor while one is
  required (S11_REQUIRE_MFA, on whenever DEBUG is off) → set up an
  authenticator app first, or enter its code (accounts.mfa): having an app is
  not enough, the session must have used it;
- not a member of this partnership → 404, as if the partnership had no such
  page: staff of one partnership learn nothing about another;
- a member whose role lacks the permission → 403.

The view then has `request.membership`, `request.staff_actor` and
`request.scope`, and runs with the member's scope applied
(partnerships/scope.py): a locality lead's reads see only their localities'
agencies, down to the last row of a streamed export.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from accounts.mfa import (
    authenticator_still_held,
    mfa_required,
    second_factor_redirect,
    session_mfa_ids,
    session_passed_mfa,
)
from core.domain import Actor

from .permissions import ROLE_PERMS, Perm
from .scope import scope_applied, scope_of
from .selectors import membership_get
from .services.members import staff_member_seen


def staff_required(perm: Perm = Perm.VIEW):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # The second factor first (a session without one learns nothing,
            # not even whether it is a member), but checked in the
            # membership's query: one query a staff page, not two.
            if mfa_required():
                used = session_mfa_ids(request)
                if not used:
                    return second_factor_redirect(request, passed=False)
                membership = membership_get(
                    partnership=request.partnership,
                    user=user,
                    second_factor=authenticator_still_held(user=user, ids=used),
                )
                passed = (
                    membership.second_factor_held if membership is not None else session_passed_mfa(request)
                )
                if not passed:
                    return second_factor_redirect(request, passed=False)
            else:
                membership = membership_get(partnership=request.partnership, user=user)
            if membership is None:
                raise Http404("No such page")
            if perm not in ROLE_PERMS.get(membership.role, frozenset()):
                raise PermissionDenied(f"Your role ({membership.get_role_display()}) cannot do this.")
            staff_member_seen(membership=membership)
            request.membership = membership
            # Named as this partnership knows them, on its audit log too.
            request.staff_actor = Actor(name=membership.name, email=user.email, user=user)
            request.scope = scope_of(membership)
            with scope_applied(request.scope):
                response = view(request, *args, **kwargs)
            if getattr(response, "streaming", False):
                # A streamed export reads as it is sent, after the view has
                # returned: its reads stay in the member's scope too.
                response.streaming_content = _in_scope(request.scope, response.streaming_content)
            return response

        wrapper.staff_perm = perm
        return wrapper

    return decorator


def _in_scope(scope, chunks):
    """Each chunk made in the scope, which is not left applied between
    chunks."""
    chunks = iter(chunks)
    while True:
        with scope_applied(scope):
            chunk = next(chunks, _END)
        if chunk is _END:
            return
        yield chunk


_END = object()


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    current: bool


# (text, url name, permission, the url-name prefixes that make it current)
STAFF_NAV = [
    ("Overview", "staff_home", Perm.VIEW, ("staff_home", "staff_cycle", "staff_return")),
    ("Review queue", "staff_review_queue", Perm.VIEW, ("staff_review_queue", "staff_return_assign")),
    ("Action plans", "staff_action_plans", Perm.VIEW, ("staff_action",)),
    ("Audit cycles", "staff_cycle_admin_list", Perm.MANAGE, ("staff_cycle_admin", "staff_shared")),
    # Everyone on the staff may read the question sets (list, detail, changes,
    # exports, the built-in library): they are the questions agencies answer,
    # which reviewers judge returns against and read-only members report on,
    # and hold nothing that another page of the workspace does not show. Only
    # admins see (and may use) the buttons that change them.
    ("Question sets", "staff_question_sets", Perm.VIEW, ("staff_question", "staff_library")),
    ("Agencies", "staff_agencies", Perm.VIEW, ("staff_agenc", "staff_localit")),
    ("Staff", "staff_members", Perm.MANAGE, ("staff_member",)),
    ("Guidance", "staff_guidance", Perm.MANAGE, ("staff_guidance",)),
    ("Data", "staff_data", Perm.MANAGE, ("staff_data",)),
]


def staff_context(request) -> dict:
    """Template context for staff pages: navigation and what the role may do.
    A navigation entry whose page does not exist (yet) is left out."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    perms = ROLE_PERMS.get(membership.role, frozenset())
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    candidates = []
    for text, name, perm, prefixes in STAFF_NAV:
        if perm not in perms:
            continue
        try:
            href = reverse(name, kwargs={"partnership_slug": request.partnership.slug})
        except NoReverseMatch:
            continue
        match = max((len(p) for p in prefixes if url_name.startswith(p)), default=0)
        candidates.append((text, href, match))
    # The entry with the most specific match is the current one.
    best = max((m for _, _, m in candidates), default=0)
    items = [NavItem(text, href, current=bool(best) and m == best) for text, href, m in candidates]
    return {
        "membership": membership,
        "staff_perms": {p.value: (p in perms) for p in Perm},
        "navigation_items": items,
        "service_url": reverse("staff_home", kwargs={"partnership_slug": request.partnership.slug}),
    }
