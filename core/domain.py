"""Who does something, and the refusal every write service raises."""

from dataclasses import dataclass


class DomainError(Exception):
    """A rule of the domain refused the change; the message is for people."""


@dataclass(frozen=True)
class Actor:
    """Who did something. Agency contributors have no account: name and email."""

    name: str = ""
    email: str = ""
    user: object | None = None

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(name=user.get_full_name(), email=user.email, user=user)


SYSTEM = Actor(name="s11portal")
