"""A C2SP tlog-witness, meant to be run by someone other than the registry's operator (a court's
registry, an ombudsman, a newspaper): it cosigns the registry's checkpoints once they are
consistent with the last it cosigned, and keeps the evidence when they are not."""
