"""Joint boards (issue 17 item 9): a partnership admin offers a cycle to
another partnership on the platform, whose admin accepts it; either side
ends it. The shared cycle's pages themselves are the usual cycle pages,
reached through audits.access."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...forms.sharing import CycleShareForm
from ...selectors import sharing as selectors
from ...selectors.cycles import cycle_admin_get
from ...services.sharing import cycle_share_accept, cycle_share_end, cycle_share_invite


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_share(request, cycle_slug):
    """The owner's page: whom the cycle is shared with, and offering it."""
    cycle = cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    form = CycleShareForm(request.POST if request.method == "POST" else None)
    if done := form_post(
        request,
        form,
        lambda data: cycle_share_invite(
            partnership=request.partnership,
            cycle=cycle,
            partner_slug=data["partner"],
            actor=request.staff_actor,
        ),
        done=lambda share: (
            f"{cycle.title} offered to {share.partnership.name}. "
            "Their partnership admin will see it under Audit cycles, Shared with us, and can accept it.",
            _url(request, "staff_cycle_admin_share", cycle_slug=cycle.slug),
        ),
        error_field="partner",
    ):
        return done
    return render(
        request,
        "staff/sharing/cycle_share.html",
        {
            "cycle": cycle,
            "form": form,
            "shares": list(selectors.cycle_share_list(partnership=request.partnership, cycle=cycle)),
        },
    )


@staff_required(Perm.MANAGE)
@require_POST
def cycle_share_stop(request, cycle_slug, share_id):
    cycle = cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    share = selectors.cycle_share_get(partnership=request.partnership, cycle=cycle, pk=share_id)
    cycle_share_end(partnership=request.partnership, share=share, actor=request.staff_actor)
    messages.success(request, f"{cycle.title} is no longer shared with {share.partnership.name}")
    return redirect(_url(request, "staff_cycle_admin_share", cycle_slug=cycle.slug))


@staff_required(Perm.MANAGE)
def shared_with_us(request):
    """The second board's page: cycles offered to or shared with it."""
    return render(
        request,
        "staff/sharing/shared_with_us.html",
        {"shares": list(selectors.cycle_share_offered_list(partnership=request.partnership))},
    )


@staff_required(Perm.MANAGE)
@require_POST
def shared_accept(request, share_id):
    share = selectors.cycle_share_offered_get(partnership=request.partnership, pk=share_id)
    cycle_share_accept(partnership=request.partnership, share=share, actor=request.staff_actor)
    messages.success(
        request,
        f"{share.cycle.title} of {share.cycle.partnership.name} is now shared with "
        f"{request.partnership.name}. Your staff see its returns as their role allows.",
    )
    return redirect(_url(request, "staff_shared_cycles"))


@staff_required(Perm.MANAGE)
@require_POST
def shared_end(request, share_id):
    share = selectors.cycle_share_offered_get(partnership=request.partnership, pk=share_id)
    cycle_share_end(partnership=request.partnership, share=share, actor=request.staff_actor)
    messages.success(
        request, f"{share.cycle.title} of {share.cycle.partnership.name} is not shared with you now"
    )
    return redirect(_url(request, "staff_shared_cycles"))
