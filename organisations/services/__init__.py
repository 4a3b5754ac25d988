"""Organisations' writes: `members` (creating an organisation, linking a
partnership's agency to it, members and their sign-in links, opening a
linked return) and `copy` (a theme copied between two of the organisation's
returns). Their public names are re-exported here."""

from .members import (
    EMAIL_KIND,
    SIGN_IN_LINK_DAYS,
    SIGN_IN_REQUESTS_PER_EMAIL,
    OrganisationRefusedError,
    SignInLimitedError,
    agency_link_decide,
    agency_link_end,
    agency_link_propose,
    agency_link_propose_new,
    member_actor,
    organisation_member_invite,
    organisation_member_remove,
    organisation_return_open,
    sign_in_link_create,
    sign_in_link_mint_url,
    sign_in_link_request,
    sign_in_link_resolve,
    sign_in_link_send,
    sign_in_link_send_task,
    token_hash,
)

__all__ = [
    "EMAIL_KIND",
    "SIGN_IN_LINK_DAYS",
    "SIGN_IN_REQUESTS_PER_EMAIL",
    "OrganisationRefusedError",
    "SignInLimitedError",
    "agency_link_decide",
    "agency_link_end",
    "agency_link_propose",
    "agency_link_propose_new",
    "member_actor",
    "organisation_member_invite",
    "organisation_member_remove",
    "organisation_return_open",
    "sign_in_link_create",
    "sign_in_link_mint_url",
    "sign_in_link_request",
    "sign_in_link_resolve",
    "sign_in_link_send",
    "sign_in_link_send_task",
    "token_hash",
]
