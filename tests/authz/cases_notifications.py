"""A member's own email notifications: every member may choose theirs."""

from partnerships.permissions import Perm

from .cases import Case

CASES = [
    Case("staff_notification_preferences", Perm.VIEW),
    Case(
        "staff_notification_preferences",
        Perm.VIEW,
        method="post",
        data=lambda w: {"submitted": "daily"},  # incomplete: the page again, with errors
        id_suffix="post",
    ),
]
