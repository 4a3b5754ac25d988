"""Email kinds: what each outbox row becomes when it is sent.

The outbox (core/outbox.py) knows how to store, claim, send and retry an
email, but not what any email says. The app that owns a kind of email
registers it here, usually from its AppConfig.ready():

    email_kind_register(EmailKind(name="reminder", render=..., obsolete=...))

- `render(row, prepared)` turns one outbox row into a `RenderedEmail`: its
  subject, plain text and HTML, and who it is to and from. It is called at
  send time, so anything secret (a resume link's token, a set-password key)
  is made then and never stored.
- `prepare(rows)` (optional) does once, for a batch of rows of this kind,
  work that would otherwise be a query per row (minting the resume links'
  tokens in one UPDATE); what it returns is passed to `render` as `prepared`.
- `obsolete(row)` (optional) says why the row should no longer be sent
  (a reminder whose return has been submitted), or "".
- A rendered email may carry `attachments` (core.emails.Attachment), made
  at send time like the rest of it; the GOV.UK Notify backend sends the
  plain text alone, so an email must say in words what a file holds.
- `label` is what staff see for the kind; `related` names the relations of
  the row the functions read, which the outbox fetches with the row.

A new kind needs no migration: the row's `kind` is a name, and the app that
sends it registers it.

`email_templates_render` renders the usual three templates of a kind. The
subject and the plain-text body are not HTML, so they are rendered with
autoescaping off: "Children's Services & Young Carers" stays as typed. They
are never put into an HTML page unescaped: the HTML part is rendered with
autoescaping on, and the staff Emails page escapes the stored subject when it
shows it. `email_address` makes a To or From header from a name and an
address the way the standard library does, quoting a name with a comma, a
colon, an @ or brackets in it, which Django would otherwise refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.template import Context, engines

# An outbox row (core.models.OutboundEmail). Not imported: the model reads
# the registry for its kinds' labels.
OutboundEmail = Any


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email, made when the email is rendered (a
    meeting's calendar invitation), so nothing of it is stored in the outbox.
    `mimetype` may carry parameters (text/calendar; method=REQUEST)."""

    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    to: str  # a whole header value: 'Name <address>', made by email_address
    from_email: str
    reply_to: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class EmailKind:
    name: str
    label: str
    render: Callable[[OutboundEmail, Any], RenderedEmail]
    prepare: Callable[[list[OutboundEmail]], Any] | None = None
    obsolete: Callable[[OutboundEmail], str] | None = None
    # Relations of the row that render, prepare or obsolete read: the
    # outbox fetches them with the rows it claims.
    related: tuple[str, ...] = ()


class UnknownEmailKindError(LookupError):
    pass


_kinds: dict[str, EmailKind] = {}


def email_kind_register(kind: EmailKind) -> None:
    """Register how to send one kind of email. Registering the same name
    again replaces it (a test may); two apps claiming one name is a bug the
    caller should not make."""
    _kinds[kind.name] = kind


def email_kind_get(name: str) -> EmailKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownEmailKindError(f"No app registered the email kind {name!r}") from None


def email_kinds_registered() -> list[str]:
    return sorted(_kinds)


def email_kind_label(name: str) -> str:
    """What staff see for a kind ("Deadline reminder")."""
    kind = _kinds.get(name)
    return kind.label if kind else name.replace("_", " ").capitalize()


def email_related() -> list[str]:
    """Every relation some registered kind reads, for select_related."""
    return sorted({path for kind in _kinds.values() for path in kind.related})


def email_address(name: str, address: str) -> str:
    """'Name <address>' for a To, From or Reply-To header, with the name
    quoted when it needs to be ("Smith, Jo" <jo@example.org>). A name is
    one line: line breaks and runs of spaces become one space."""
    name = " ".join((name or "").split())
    if not name:
        return address
    return str(Address(display_name=name, addr_spec=address))


def service_from_address() -> str:
    """The address part of DEFAULT_FROM_EMAIL ('Name <a@b>' or 'a@b')."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def _template(name: str):
    # The engine's Template, not the backend wrapper: it takes a Context, so
    # the caller chooses autoescaping for this render (and its includes).
    return engines["django"].get_template(name).template


def render_plain(template_name: str, context: dict) -> str:
    """Render a template whose output is plain text (a subject, a text
    body): no HTML escaping, here or in anything it includes."""
    return _template(template_name).render(Context(context, autoescape=False))


def render_html(template_name: str, context: dict) -> str:
    return _template(template_name).render(Context(context, autoescape=True))


def one_line(text: str) -> str:
    return " ".join(text.split())


def email_templates_render(
    *, template: str, context: dict, html: bool = True, subject_suffix: str = "_subject.txt"
) -> tuple[str, str, str]:
    """(subject, text, html) from `<template>_subject.txt`, `<template>.txt`
    and `<template>.html` under templates/emails/."""
    subject = one_line(render_plain(f"emails/{template}{subject_suffix}", context))
    text = render_plain(f"emails/{template}.txt", context)
    body_html = render_html(f"emails/{template}.html", context) if html else ""
    return subject, text, body_html


def rendered_for(
    row: OutboundEmail,
    *,
    template: str,
    context: dict,
    from_name: str,
    reply_to: Iterable[str] = (),
) -> RenderedEmail:
    """The common case: the row's templates, to the row's recipient, from
    the service's address under `from_name`."""
    subject, text, body_html = email_templates_render(template=template, context=context)
    return RenderedEmail(
        subject=subject,
        text=text,
        html=body_html,
        to=email_address(row.to_name, row.to_email),
        from_email=email_address(from_name, service_from_address()),
        reply_to=tuple(reply_to),
    )


def _render_partnership_email(row: OutboundEmail, prepared=None) -> RenderedEmail:
    partnership = row.partnership
    context = {**row.context, "partnership": partnership, "to_name": row.to_name}
    return rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


def partnership_email_kind(name: str, label: str) -> EmailKind:
    """The simplest kind: an email from a partnership whose row's context is
    all its templates need (nothing to make at send time)."""
    return EmailKind(name=name, label=label, render=_render_partnership_email, related=("partnership",))


__all__ = [
    "EmailKind",
    "RenderedEmail",
    "UnknownEmailKindError",
    "email_address",
    "email_kind_get",
    "email_kind_label",
    "email_kind_register",
    "email_kinds_registered",
    "email_related",
    "email_templates_render",
    "one_line",
    "partnership_email_kind",
    "render_html",
    "render_plain",
    "rendered_for",
    "service_from_address",
]
