"""Joint boards: a cycle one partnership shares with another on the
platform (Sheffield and Buckinghamshire run one audit with the adults'
board). The cycle, its returns and everything in them stay the owner's
(every row keeps its partnership, and the database's rules are unchanged);
the second board's members reach the shared cycle's returns from their own
workspace, each by their role there, through audits.access."""

from django.db import models

from partnerships.models import Partnership

from . import AuditCycle

__all__ = ["CycleShare"]


class CycleShare(models.Model):
    """The owner's invitation to another partnership, accepted (or not yet)
    by that partnership's admin. `slug` names the cycle in the second
    board's workspace (the owner's slug, then the cycle's), so it never
    meets a cycle of the board's own."""

    cycle = models.ForeignKey(AuditCycle, on_delete=models.CASCADE, related_name="shares")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="cycles_shared_with")
    slug = models.SlugField(max_length=150)
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "partnership"], name="cycle_share_once"),
            models.UniqueConstraint(fields=["partnership", "slug"], name="cycle_share_slug_unique"),
        ]

    def __str__(self):
        return f"{self.cycle} shared with {self.partnership}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
