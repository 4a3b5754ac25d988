"""Organisations: platform-level records above partnerships.

A police force, an NHS trust or a probation region answers Section 11 audits
for several partnerships. Each partnership keeps its own Agency row (and its
own returns); an Organisation is the body behind them, with its own members.
A partnership admin proposes an AgencyLink from one of its agencies to an
organisation; it gives the organisation's members nothing until one of the
organisation's admins accepts it, and it never gives the partnership anything
of the organisation's other returns.

Only hashes of sign-in tokens are kept (as for resume links).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper

from audits.models import AnswerValue, Rag, ResumeLink
from partnerships.models import Agency, Partnership, Sector


class IdentifierType(models.TextChoices):
    ODS = "ods", "NHS ODS code"
    POLICE_FORCE = "police_force", "Police force code"
    CHARITY = "charity", "Charity number"
    COMPANY = "company", "Company number"
    URN = "urn", "School or college URN"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Sector.choices)
    identifier_type = models.CharField(max_length=20, choices=IdentifierType.choices, blank=True)
    identifier = models.CharField(max_length=40, blank=True)
    # Who proposed it: a partnership's admin, as that partnership knew them.
    proposed_by_partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "identifier_type",
                Upper("identifier"),
                condition=~Q(identifier=""),
                name="organisation_identifier_unique",
                violation_error_message="An organisation with this identifier already exists.",
            ),
            # An identifier means nothing without its type, and the reverse.
            models.CheckConstraint(
                condition=(Q(identifier="") & Q(identifier_type=""))
                | (~Q(identifier="") & Q(identifier_type__in=IdentifierType.values)),
                name="organisation_identifier_typed",
            ),
            models.CheckConstraint(condition=Q(kind__in=Sector.values), name="organisation_kind_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def identifier_display(self) -> str:
        if not self.identifier:
            return ""
        return f"{IdentifierType(self.identifier_type).label} {self.identifier}"


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", "Organisation admin"
    MEMBER = "member", "Member"


class OrganisationMembership(models.Model):
    """Someone who works on the organisation's returns. They sign in by an
    emailed link, or with a staff account of the same email address."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=OrganisationRole.choices, default=OrganisationRole.MEMBER)
    invited_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "organisation", name="organisation_member_unique_email"),
            models.CheckConstraint(
                condition=Q(role__in=OrganisationRole.values), name="organisation_member_role_valid"
            ),
            # Stored lower-case, so one lookup finds a person's memberships.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="organisation_member_email_lower"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> – {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == OrganisationRole.ADMIN


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the organisation"
    ACCEPTED = "accepted", "Linked"
    REFUSED = "refused", "Refused by the organisation"
    ENDED = "ended", "Unlinked"


LIVE_LINK_STATUSES = (LinkStatus.PROPOSED, LinkStatus.ACCEPTED)


class AgencyLink(models.Model):
    """One partnership's agency, linked to the organisation behind it.

    `partnership` is the agency's (PostgreSQL checks it, migration 0002), so
    a link is always about one partnership's row. An agency has at most one
    live (proposed or accepted) link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="agency_links")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="organisation_links")
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_name = models.CharField(max_length=200, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_by_email = models.EmailField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="agency_link_one_live",
                violation_error_message="This agency is already linked, or waiting for an organisation.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LinkStatus.values), name="agency_link_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False),
                name="agency_link_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.agency} → {self.organisation} ({self.status})"

    @property
    def is_accepted(self) -> bool:
        return self.status == LinkStatus.ACCEPTED


class OrganisationSignInLink(models.Model):
    """An emailed sign-in link for one address: a 192-bit token, kept only as
    its SHA-256 hash, usable until `expires_at`. The memberships of the
    address are read on every request, so removing a member stops the link
    giving anything at once."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="organisation_signin_email_lower"),
        ]

    def __str__(self):
        return f"Sign-in link for {self.email}"

    def is_usable(self, now) -> bool:
        return bool(self.token_hash) and self.revoked_at is None and now < self.expires_at


class OrganisationEvent(models.Model):
    """What happened to an organisation (members, links), for its admins: an
    append-only log beside the partnerships' own (a link's proposal and
    decision are also on the agency's partnership's log)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    actor_name = models.CharField(max_length=200, blank=True)
    actor_email = models.EmailField(blank=True)
    verb = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.organisation}: {self.verb}"


class OrganisationReturnAccess(models.Model):
    """A member opening a linked agency's open return: the resume link made
    for them (audits.views.agency_session then serves the journey as for any
    contributor). Removing the member or ending the agency's link revokes
    every link recorded here, so the access lasts no longer than they do."""

    membership = models.ForeignKey(
        OrganisationMembership, null=True, on_delete=models.SET_NULL, related_name="return_accesses"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    agency_link = models.ForeignKey(AgencyLink, on_delete=models.CASCADE, related_name="return_accesses")
    resume_link = models.OneToOneField(
        ResumeLink, on_delete=models.CASCADE, related_name="organisation_access"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.membership} opened return link {self.resume_link_id}"


def organisation_evidence_upload_to(instance, filename):
    # Never the uploader's filename (kept in original_name), as for a return's evidence.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    name = f"{instance.token}.{extension}" if extension.isalnum() and len(extension) <= 5 else instance.token
    return f"organisation-evidence/{instance.organisation_id}/{name}"


class OrganisationEvidence(models.Model):
    """A file in the organisation's evidence library: uploaded once, and
    copied into a partnership's own storage each time it is attached to one
    of that partnership's returns (so partnerships' files stay apart)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="evidence")
    token = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=organisation_evidence_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    added_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name


class StandingDraft(models.Model):
    """A living self-assessment between cycles (issue 13 item 5): the
    organisation's own answers to one built-in library question set, kept at
    platform level, in no partnership. Members update it at any time; a
    member may start a linked agency's new return from it (the themes are
    then marked carried forward for confirming, as last cycle's answers are).
    Keys are the library's: theme key, and theme key + question key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="standing_drafts")
    template_key = models.SlugField(max_length=60)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_by_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "template_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "template_key"], name="standing_draft_one_per_set"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: standing draft of {self.template_key}"


class StandingDraftTheme(models.Model):
    """One theme of a standing draft: its rating and comments, versioned so
    that two members saving the same theme do not overwrite each other."""

    draft = models.ForeignKey(StandingDraft, on_delete=models.CASCADE, related_name="themes")
    theme_key = models.SlugField(max_length=60)
    rag = models.CharField(max_length=5, blank=True)
    comments = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_by_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["draft_id", "theme_key"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "theme_key"], name="standing_draft_theme_unique"),
            models.CheckConstraint(
                condition=Q(rag="") | Q(rag__in=Rag.values), name="standing_draft_theme_rag_valid"
            ),
        ]

    def __str__(self):
        return f"{self.draft}: {self.theme_key}"


class StandingDraftAnswer(models.Model):
    draft = models.ForeignKey(StandingDraft, on_delete=models.CASCADE, related_name="answers")
    theme_key = models.SlugField(max_length=60)
    question_key = models.SlugField(max_length=60)
    value = models.CharField(max_length=3)

    class Meta:
        ordering = ["draft_id", "theme_key", "question_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "theme_key", "question_key"], name="standing_draft_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__in=AnswerValue.values), name="standing_draft_answer_value_valid"
            ),
        ]

    def __str__(self):
        return f"{self.draft}: {self.theme_key}/{self.question_key} = {self.value}"
