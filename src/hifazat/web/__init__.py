"""Server-rendered pages for desks, approvers, the committee, protectees and auditors."""
