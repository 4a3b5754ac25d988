"""What every domain app uses and nothing domain-specific: who acts (`Actor`),
the refusal every service raises (`DomainError`), the audit log and the email
outbox. `core` is the bottom layer: it imports no other app of this project
(foreign keys name their models as strings)."""
