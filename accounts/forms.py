"""allauth's sign-in forms with GOV.UK wording.

The GOV.UK Design System asks for labels in sentence case, no placeholder
text, and error messages that say what to do ("Enter your email address"),
not Django's "This field is required.". Each form here is allauth's own with
those changes; allauth still does all the checking (settings ACCOUNT_FORMS and
MFA_FORMS point here).
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from django import forms

# field name -> (label, message when left empty, hint)
WORDING = {
    "login": ("Email address", "Enter your email address", ""),
    "email": ("Email address", "Enter your email address", ""),
    "password": ("Password", "Enter your password", ""),
    "oldpassword": ("Current password", "Enter your current password", ""),
    "password1": ("New password", "Enter a new password", "At least 12 characters. Avoid common words."),
    "password2": ("Confirm new password", "Enter the new password again", ""),
    "code": ("Code", "Enter the 6-digit code from your authenticator app", ""),
}
INVALID_EMAIL = "Enter an email address in the correct format, like name@example.org"


class GovukWordingMixin:
    wording_overrides: dict[str, tuple[str, str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label, required, hint = {**WORDING, **self.wording_overrides}.get(
                name, (field.label, field.error_messages.get("required"), "")
            )
            field.label = label
            field.help_text = hint
            field.error_messages = {**field.error_messages, "required": required}
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = INVALID_EMAIL
            field.widget.attrs.pop("placeholder", None)


class LoginForm(GovukWordingMixin, account_forms.LoginForm):
    def clean(self):
        # allauth reports a wrong password, or too many attempts, for the form
        # as a whole; GOV.UK puts every message beside a field and links to it
        # from the summary, so it goes on the email address.
        try:
            return super().clean()
        except forms.ValidationError as error:
            self.add_error("login", error)
            return self.cleaned_data


class ResetPasswordForm(GovukWordingMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(GovukWordingMixin, account_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(GovukWordingMixin, account_forms.ChangePasswordForm):
    pass


class PasswordReauthenticateForm(GovukWordingMixin, account_forms.ReauthenticateForm):
    pass


class AuthenticateForm(GovukWordingMixin, mfa_base_forms.AuthenticateForm):
    wording_overrides = {
        "code": (
            "Code",
            "Enter the 6-digit code from your authenticator app",
            "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        )
    }


class ReauthenticateForm(GovukWordingMixin, mfa_base_forms.ReauthenticateForm):
    wording_overrides = AuthenticateForm.wording_overrides


class ActivateTOTPForm(GovukWordingMixin, mfa_totp_forms.ActivateTOTPForm):
    wording_overrides = {
        "code": (
            "Code from your authenticator app",
            "Enter the 6-digit code from your authenticator app",
            "After adding this service to the app, enter the 6-digit code it shows.",
        )
    }
