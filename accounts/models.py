from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("A staff account needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member of staff: partnership reviewers and admins, platform admins.

    Agency respondents never get an account; they use resume links.
    `is_staff` keeps its Django meaning (may use the Django admin, i.e. a
    platform admin); partnership roles live in StaffMembership.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CredentialReset(models.Model):
    """A member of staff's second factor reset by someone else: a partnership
    admin (for someone who belongs to that partnership alone) or a platform
    admin. The platform's record of it; the partnership's audit log has its
    own row. The person is emailed through the outbox (accounts/emails.py)."""

    class By(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership admin"
        PLATFORM = "platform", "Platform admin"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credential_resets")
    by = models.CharField(max_length=20, choices=By.choices)
    # Who asked, as the email to the person names them: a partnership's name,
    # or the platform's.
    by_name = models.CharField(max_length=200)
    reset_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    removed = models.JSONField(default=list, help_text="The kinds of authenticator deleted.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} second factor reset by {self.by_name}"
