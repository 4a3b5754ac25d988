"""The organisation's own pages (/organisations/…): signing in by emailed
link, the organisation's home, its agency links (admins accept or refuse
each partnership's proposal) and its members (admins invite and remove).
Views parse input, call one service and redirect."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audits.access import linked_submission_access
from audits.selectors.pdf import submission_pdf_get
from audits.services.pdf import submission_pdf_download_record, submission_pdf_ready
from audits.views.agency_session import agency_session_start
from audits.views.pdf import pdf_file_response
from core.client_ip import client_ip
from core.domain import DomainError
from core.views import form_post

from .. import selectors, services
from ..forms import (
    CopyChooseForm,
    CopyThemeForm,
    DecisionForm,
    EvidenceAttachForm,
    EvidenceUploadForm,
    MemberInviteForm,
    SignInForm,
)
from ..services import copy as services_copy
from ..services import evidence as services_evidence
from ..services.copy import theme_copy_preview
from ..session import member_email, member_required, organisation_session_end, organisation_session_start


def org_url(name: str, membership, **kwargs) -> str:
    return reverse(name, kwargs={"organisation_id": membership.organisation_id, **kwargs})


def org_context(membership, current: str) -> dict:
    """Header navigation and what every organisation page says about itself."""
    items = [
        ("Returns", "organisation_home"),
        ("Copy answers", "organisation_copy"),
        ("Evidence library", "organisation_evidence"),
        ("Standing drafts", "organisation_standing_drafts"),
    ]
    if membership.is_admin:
        items += [("Agency links", "organisation_links"), ("Members", "organisation_members")]
    return {
        "membership": membership,
        "organisation": membership.organisation,
        "service_url": org_url("organisation_home", membership),
        "navigation_items": [
            {"text": text, "href": org_url(name, membership), "current": name == current}
            for text, name in items
        ],
    }


# --- Signing in ---------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_link_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except services.SignInLimitedError as exc:
            form.add_error("email", str(exc))
            status = 429
        else:
            return redirect("organisation_sign_in_sent")
    return render(
        request,
        "organisations/sign_in.html",
        {"form": form, "invalid": request.GET.get("invalid") == "1"},
        status=status,
    )


def sign_in_sent(request):
    return render(request, "organisations/sign_in_sent.html")


@never_cache
def sign_in_link(request, token):
    """Follow a sign-in link: start the session, then leave the
    token-bearing URL at once (no token in history or a Referer)."""
    link = services.sign_in_link_resolve(token=token)
    if link is None:
        response = HttpResponseRedirect(reverse("organisation_sign_in") + "?invalid=1")
    else:
        organisation_session_start(request, link)
        response = HttpResponseRedirect(reverse("organisation_index"))
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
def sign_out(request):
    organisation_session_end(request)
    messages.success(request, "You have signed out")
    return redirect("organisation_sign_in")


@never_cache
def index(request):
    """The person's organisations: straight to the only one."""
    email = member_email(request)
    if email is None:
        return redirect("organisation_sign_in")
    memberships = selectors.memberships_of(email=email)
    if len(memberships) == 1:
        return redirect("organisation_home", organisation_id=memberships[0].organisation_id)
    return render(request, "organisations/index.html", {"memberships": memberships})


# --- Agency links ---------------------------------------------------------------


@never_cache
@member_required(admin=True)
def links(request, membership):
    organisation = membership.organisation
    all_links = selectors.organisation_links(organisation=organisation)
    return render(
        request,
        "organisations/links.html",
        {
            **org_context(membership, "organisation_links"),
            "waiting": [link for link in all_links if link.status == "proposed"],
            "decided": [link for link in all_links if link.status != "proposed"],
        },
    )


@member_required(admin=True)
@require_POST
def link_decide(request, membership, link_id):
    link = selectors.organisation_link_get(organisation=membership.organisation, pk=link_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or refuse")
        return redirect(org_url("organisation_links", membership))
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.agency_link_decide(link=link, by=membership, accept=accept)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{'Accepted' if accept else 'Refused'}: {link.agency.name} in {link.partnership.name}",
        )
    return redirect(org_url("organisation_links", membership))


# --- Members ------------------------------------------------------------------------


@never_cache
@member_required(admin=True)
def members(request, membership):
    return render(
        request,
        "organisations/members.html",
        {
            **org_context(membership, "organisation_members"),
            "members": selectors.organisation_members(organisation=membership.organisation),
        },
    )


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def member_invite(request, membership):
    form = MemberInviteForm(request.POST if request.method == "POST" else None, initial={"role": "member"})
    if done := form_post(
        request,
        form,
        lambda data: services.organisation_member_invite(
            organisation=membership.organisation,
            name=data["name"],
            email=data["email"],
            role=data["role"],
            by=membership,
        ),
        done=lambda member: (
            f"{member.name} invited. We have emailed them a link to sign in.",
            org_url("organisation_members", membership),
        ),
    ):
        return done
    return render(
        request,
        "organisations/member_invite.html",
        {**org_context(membership, "organisation_members"), "form": form},
    )


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def member_remove(request, membership, member_id):
    member = selectors.organisation_member_get(organisation=membership.organisation, pk=member_id)
    error = ""
    if request.method == "POST":
        try:
            services.organisation_member_remove(membership=member, by=membership)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{member.name} removed")
            if member.pk == membership.pk:
                return redirect("organisation_index")
            return redirect(org_url("organisation_members", membership))
    return render(
        request,
        "organisations/member_remove.html",
        {**org_context(membership, "organisation_members"), "member": member, "error": error},
        status=200,
    )


# --- The organisation's returns ------------------------------------------------


@never_cache
@member_required()
def home(request, membership):
    organisation = membership.organisation
    all_links = selectors.organisation_links(organisation=organisation)
    accepted = [link for link in all_links if link.is_accepted]
    return render(
        request,
        "organisations/home.html",
        {
            **org_context(membership, "organisation_home"),
            "accepted": accepted,
            "waiting_count": sum(1 for link in all_links if link.status == "proposed"),
            "returns": selectors.organisation_returns(links=accepted),
        },
    )


def _linked_return(membership, submission_id):
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    submission = linked_submission_access(
        agencies=selectors.organisation_agency_pairs(links=accepted), pk=submission_id
    )
    link = next(
        link
        for link in accepted
        if (link.partnership_id, link.agency_id) == (submission.partnership_id, submission.agency_id)
    )
    return submission, link


@member_required()
@require_POST
def return_open(request, membership, submission_id):
    """Work on a linked agency's return: through the agency journey, with a
    resume link in the member's name (organisations.session explains)."""
    submission, agency_link = _linked_return(membership, submission_id)
    try:
        resume_link = services.organisation_return_open(
            membership=membership, agency_link=agency_link, submission=submission
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(org_url("organisation_home", membership))
    agency_session_start(request, resume_link)
    return redirect("task_list", partnership_slug=submission.partnership.slug)


@never_cache
@member_required()
def return_pdf(request, membership, submission_id, version):
    """A submitted version's PDF, as the agency downloads it, recorded on
    the partnership's log as downloaded by the member."""
    submission, _ = _linked_return(membership, submission_id)
    record = submission_pdf_get(partnership=submission.partnership, submission=submission, version=version)
    if not submission_pdf_ready(record):
        raise Http404("This copy is not ready yet")
    submission_pdf_download_record(record=record, actor=services.member_actor(membership))
    return pdf_file_response(record)


# --- Answer once, submit to many -------------------------------------------------


def return_label(submission) -> str:
    where = f"{submission.partnership.name}: {submission.agency.name}"
    return f"{where}, {submission.cycle.title} ({submission.reference})"


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD"])
def copy(request, membership):
    """Choose two of the organisation's returns, then see per theme what
    copying would change and what has no match, and copy theme by theme."""
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    returns = selectors.organisation_returns(links=accepted, with_details=False)
    sources = [(s.pk, return_label(s)) for s in returns]
    targets = [(s.pk, return_label(s)) for s in returns if s.can_open and not s.is_locked]
    form = CopyChooseForm(request.GET or None, sources=sources, targets=targets)
    previews = source = target = None
    if request.GET and form.is_valid():
        by_pk = {s.pk: s for s in returns}
        source, target = by_pk[form.cleaned_data["source"]], by_pk[form.cleaned_data["target"]]
        previews = theme_copy_preview(source=source, target=target)
    return render(
        request,
        "organisations/copy.html",
        {
            **org_context(membership, "organisation_copy"),
            "form": form,
            "previews": previews,
            "source": source,
            "target": target,
            "source_label": source and return_label(source),
            "target_label": target and return_label(target),
        },
    )


@member_required()
@require_POST
def copy_theme(request, membership):
    form = CopyThemeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the returns and the theme again")
        return redirect(org_url("organisation_copy", membership))
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    pairs = selectors.organisation_agency_pairs(links=accepted)
    source = linked_submission_access(agencies=pairs, pk=form.cleaned_data["source"])
    target = linked_submission_access(agencies=pairs, pk=form.cleaned_data["target"])
    try:
        services_copy.theme_copy(
            membership=membership, source=source, target=target, theme_key=form.cleaned_data["theme"]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Theme copied into {target.reference}")
    query = urlencode({"source": source.pk, "target": target.pk})
    return redirect(f"{org_url('organisation_copy', membership)}?{query}")


# --- The evidence library --------------------------------------------------------


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def evidence(request, membership):
    form = EvidenceUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if done := form_post(
        request,
        form,
        lambda data: services_evidence.organisation_evidence_upload(
            membership=membership, upload=data["file"], title=data["title"]
        ),
        done=lambda item: (
            f"{item.original_name} added to the library",
            org_url("organisation_evidence", membership),
        ),
        error_field="file",
    ):
        return done
    return render(
        request,
        "organisations/evidence.html",
        {
            **org_context(membership, "organisation_evidence"),
            "form": form,
            "items": selectors.organisation_evidence_list(organisation=membership.organisation),
        },
    )


@never_cache
@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_attach(request, membership, evidence_id):
    item = selectors.organisation_evidence_get(organisation=membership.organisation, pk=evidence_id)
    accepted = selectors.organisation_accepted_links(organisation=membership.organisation)
    returns = [
        s
        for s in selectors.organisation_returns(links=accepted, with_details=False)
        if s.can_open and not s.is_locked
    ]
    themes = selectors.question_set_themes(question_set_ids={s.question_set_id for s in returns})
    choices = [
        (f"{s.pk}:{theme.key}", f"{return_label(s)} – {theme.title}")
        for s in returns
        for theme in themes.get(s.question_set_id, [])
    ]
    form = EvidenceAttachForm(request.POST if request.method == "POST" else None, choices=choices)

    def attach(data):
        pk, key = form.target()
        target = linked_submission_access(agencies=selectors.organisation_agency_pairs(links=accepted), pk=pk)
        theme = next(t for t in themes[target.question_set_id] if t.key == key)
        services_evidence.organisation_evidence_attach(
            membership=membership, evidence=item, target=target, theme=theme
        )
        return target, theme

    if done := form_post(
        request,
        form,
        attach,
        done=lambda result: (
            f"{item.original_name} attached to {result[1].title} in {result[0].reference}",
            org_url("organisation_evidence", membership),
        ),
        error_field="where",
    ):
        return done
    return render(
        request,
        "organisations/evidence_attach.html",
        {**org_context(membership, "organisation_evidence"), "form": form, "item": item},
    )
