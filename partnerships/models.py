"""The tenants and who belongs to them.

Every row that belongs to a partnership carries a `partnership` foreign key,
so that scoping a query is one filter and so that PostgreSQL can check, with
composite foreign keys (see the audits migrations), that related rows belong
to the same partnership.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

# A partnership's pages live at /<slug>/, beside the site's own top-level
# paths: a partnership called "staff" or "accounts" would be shadowed by them
# (or shadow them). tests/partnerships/test_models_reserved_slugs.py checks that every
# top-level path in s11portal/urls.py is here; the rest are kept for pages a
# service like this grows (GOV.UK footer pages, health checks, an API).
RESERVED_SLUGS = frozenset(
    {
        "staff",
        "accounts",
        "django-admin",
        "admin",
        "static",
        "media",
        "r",
        "organisations",
        "api",
        "health",
        "healthz",
        "login",
        "logout",
        "sign-in",
        "sign-out",
        "help",
        "about",
        "accessibility",
        "accessibility-statement",
        "cookies",
        "privacy",
        "contact",
        "www",
    }
)


def validate_partnership_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is used by the site itself, so it cannot be a partnership’s web address. "
            "Choose another, such as one with the area’s name in it.",
            code="reserved_slug",
            params={"slug": value},
        )


class Partnership(models.Model):
    """A Local Safeguarding Children Partnership: the tenant."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[validate_partnership_slug],
        help_text="Appears in every web address of this partnership, e.g. /csap/…",
    )
    contact_email = models.EmailField(help_text="Where agencies send questions.")
    reply_to_email = models.EmailField(
        blank=True, help_text="Reply-To on emails we send; the contact email if blank."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # The validator gives the message; this keeps out rows written
            # without validation (services, the shell).
            models.CheckConstraint(
                condition=~models.Q(slug__in=sorted(RESERVED_SLUGS)),
                name="partnership_slug_not_reserved",
                violation_error_message="This web address is used by the site itself.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reply_to(self) -> str:
        return self.reply_to_email or self.contact_email


class Locality(models.Model):
    """An area within a partnership (e.g. Blackpool within Pan-Lancashire),
    used to report per locality."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="localities")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="locality_unique_name"),
            models.UniqueConstraint(fields=["id", "partnership"], name="locality_id_partnership"),
        ]

    def __str__(self):
        return self.name


class Sector(models.TextChoices):
    # The lists of bodies under a Section 11 duty in the seeds (Working Together
    # 2015/2018/2023), plus the non-statutory groups partnerships also audit.
    LOCAL_AUTHORITY = "local_authority", "Local authority or district council"
    NHS = "nhs", "NHS organisation"
    POLICE = "police", "Police"
    BRITISH_TRANSPORT_POLICE = "btp", "British Transport Police"
    PROBATION = "probation", "Probation Service"
    PRISON = "prison", "Prison or young offender institution"
    SECURE_TRAINING_CENTRE = "stc", "Secure training centre"
    SECURE_COLLEGE = "secure_college", "Secure college"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    FIRE_AND_RESCUE = "fire", "Fire and rescue service"
    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years and childcare"
    VOLUNTARY = "voluntary", "Voluntary, community or faith organisation"
    SPORT = "sport", "Sport and leisure"
    PRIVATE = "private", "Private or commissioned provider"
    OTHER = "other", "Other"


class StatutoryGroup(models.TextChoices):
    """Agencies by `Agency.is_statutory` (a cycle may give each group its own
    question set)."""

    STATUTORY = "statutory", "Statutory partners"
    NON_STATUTORY = "non_statutory", "Agencies taking part by choice (not statutory)"


class Agency(models.Model):
    """An organisation that completes a Section 11 return."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    is_statutory = models.BooleanField(
        "statutory partner",
        default=True,
        help_text="Named in Section 11 of the Children Act 2004, not taking part by choice.",
    )
    localities = models.ManyToManyField(Locality, related_name="agencies", blank=True)
    # The agency that commissions this service (a council or an ICB paying a
    # provider), set by a partnership admin: that agency's commissioner
    # members see this agency's returns, read-only (partnerships.scope).
    commissioned_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissioned_services"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(Lower("name"), "partnership", name="agency_unique_name_ci"),
            models.UniqueConstraint(fields=["id", "partnership"], name="agency_id_partnership"),
            models.CheckConstraint(condition=models.Q(sector__in=Sector.values), name="agency_sector_valid"),
            models.CheckConstraint(
                condition=~models.Q(commissioned_by=models.F("pk")), name="agency_not_commissioned_by_itself"
            ),
        ]

    def __str__(self):
        return self.name


class AgencyContact(models.Model):
    """Someone at an agency whom we invite and remind."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    job_title = models.CharField(max_length=200, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "agency", name="agency_contact_unique_email"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class StaffRole(models.TextChoices):
    ADMIN = "admin", "Partnership admin"
    REVIEWER = "reviewer", "Reviewer"
    READ_ONLY = "read_only", "Read-only"
    LOCALITY_LEAD = "locality_lead", "Locality lead"
    COMMISSIONER = "commissioner", "Commissioner"


class StaffMembership(models.Model):
    """A staff account's role in one partnership. A person may belong to
    several partnerships, with a role in each.

    A partnership sees of its members only what it holds here: the name it
    typed when it invited them (or that they gave when they accepted), the
    role, and when they last used this partnership's staff pages. Never the
    account's name, last login or authenticators, which other partnerships
    may have set or seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    display_name = models.CharField(max_length=200, blank=True)
    # A locality lead's localities: they see and review only the agencies in
    # these (partnerships.scope). Empty for every other role.
    localities = models.ManyToManyField(Locality, blank=True, related_name="+")
    # A commissioner's agency: they see, read-only, the returns of the
    # services it commissions (Agency.commissioned_by). None for other roles.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Set by partnerships.staff.staff_required at most every few minutes.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.get_role_display()} of {self.partnership}"

    @property
    def name(self) -> str:
        """The member's name as this partnership knows it."""
        return self.display_name or self.user.email


class StaffInvitation(models.Model):
    """An invitation to join a partnership's staff, which the person accepts
    once signed in (with their second factor) as the account with this email.
    Until then the partnership knows only what it typed: the email, a name
    and a role. Only a hash of the token is kept; the token is made when the
    email is sent (partnerships.services.members.staff_invitation_accept_url)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    # A locality lead's localities or a commissioner's agency, given to the
    # membership on acceptance.
    localities = models.ManyToManyField(Locality, blank=True, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One open invitation per person per partnership.
            models.UniqueConstraint(
                Lower("email"),
                "partnership",
                condition=models.Q(accepted_at__isnull=True),
                name="staff_invitation_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="staff_invitation_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.email} invited to {self.partnership}"

    @property
    def name(self) -> str:
        return self.full_name or self.email

    @staticmethod
    def token_hash_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()
