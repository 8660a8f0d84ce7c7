"""The roster's solver (CP-SAT) and the readers of rostering problems it is measured on.

An adapter like `notify`: it reads the domain's `roster.Problem` and gives back a roster; it
calls no use case, store or entry point."""
