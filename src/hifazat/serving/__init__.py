"""What the HTTP API and the web pages share, so that neither imports the other: the request's
registry and its one transaction, the session cookie, rate limits, instants, readiness."""
