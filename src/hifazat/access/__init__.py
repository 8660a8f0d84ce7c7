"""Need to know: who may call what, and what each may see. Deny by default."""
