"""GOV.UK Notify as a Django email backend.

Notify sends an email from a template kept in the Notify service, so the
service needs one template whose subject is ``((subject))`` and whose body is
``((body))``; its id goes in NOTIFY_TEMPLATE_ID. We send the plain-text part
of each message (Notify makes its own HTML from it, in its GOV.UK style).
Notify sets Reply-To from an address registered with the service, chosen by
NOTIFY_REPLY_TO_ID (blank: the service's default), not from the message.

The outbox's Message-ID goes to Notify as the notification's ``reference``,
so a notification can be traced back to its outbox row. Notify does not
de-duplicate on it: exactly-once rests on the outbox claim, as with SMTP.

Settings: NOTIFY_API_KEY, NOTIFY_TEMPLATE_ID, NOTIFY_REPLY_TO_ID,
NOTIFY_BASE_URL (see the README's configuration table).
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(
        self, fail_silently=False, api_key=None, template_id=None, reply_to_id=None, base_url=None, **kwargs
    ):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_TEMPLATE_ID
        self.reply_to_id = reply_to_id or settings.NOTIFY_REPLY_TO_ID or None
        self.base_url = base_url or settings.NOTIFY_BASE_URL
        if not self.api_key or not self.template_id:
            raise ImproperlyConfigured("GOV.UK Notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID")

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        client = NotificationsAPIClient(
            self.api_key, base_url=self.base_url, timeout=getattr(settings, "EMAIL_TIMEOUT", 30)
        )
        sent = 0
        for message in email_messages:
            try:
                for recipient in message.recipients():
                    client.send_email_notification(
                        email_address=parseaddr(recipient)[1],
                        template_id=self.template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=message.extra_headers.get("Message-ID"),
                        email_reply_to_id=self.reply_to_id,
                    )
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent
