"""Text from the registry, shown: a bidirectional control that reached the database by an older
path cannot reorder what surrounds it, on the command line or on a web page; Urdu is shown as it
is, isolated so that its direction stays its own; brackets in a name are not Rich markup."""

from __future__ import annotations

import json

from sqlalchemy import update

from hifazat.services import auth
from hifazat.store.records.registry import forget_shared
from hifazat.store.tables import decisions, protectees
from tests.conftest import Api, Registry

#: stored before the validation existed: an override that would print "party" backwards
LEGACY = "Leader of a \u202eytrap\u202c parliamentary party"
SHOWN = "Leader of a <U+202E>ytrap<U+202C> parliamentary party"
#: Urdu with a zero-width non-joiner inside a word, and brackets Rich would take for markup
URDU = "فاروق\u200cستار [bold]MQM[/bold]"
RAW_CONTROLS = ("\u202e", "\u202c", "\u2066", "\u2067")


def _store_legacy(reg: Registry) -> None:
    with reg.engine.begin() as c:
        c.execute(update(decisions).where(decisions.c.id == "d-006").values(reason=LEGACY))
        c.execute(update(protectees).where(protectees.c.id == "farooq-sattar").values(name=URDU))
    forget_shared(reg.engine)


def test_the_cli_shows_controls_and_keeps_urdu(api: Api) -> None:
    _store_legacy(api.reg)
    shown = api.reg.cli("decision", "show", "d-006")
    assert shown.exit_code == 0, shown.output
    assert not any(c in shown.stdout for c in RAW_CONTROLS)
    assert f"reason: {SHOWN}" in shown.stdout

    as_json = api.reg.cli("decision", "show", "d-006", "--json")
    assert not any(c in as_json.stdout for c in RAW_CONTROLS)
    assert "\\u202e" in as_json.stdout
    assert json.loads(as_json.stdout)["reason"] == LEGACY  # the same value, escaped

    status = api.reg.cli("status", "farooq-sattar")
    assert status.exit_code == 0, status.output
    assert URDU in status.stdout  # Urdu and its joiner unchanged; the brackets printed as typed


def test_a_web_page_isolates_free_text_and_shows_controls(api: Api) -> None:
    _store_legacy(api.reg)
    password = "correct horse battery staple"
    auth.set_password(api.reg.uow(), "auditor", password, "registrar", api.reg.clock())
    api.client.post("/login", data={"user": "auditor", "password": password, "next": "/"})
    page = api.client.get("/protectees/farooq-sattar")
    assert page.status_code == 200
    assert not any(c in page.text for c in ("\u202e", "\u202c"))
    assert f"<bdi>{SHOWN.replace('<', '&lt;').replace('>', '&gt;')}</bdi>" in page.text
    assert (
        '<h1 class="govuk-heading-l"><bdi>فاروق\u200cستار [bold]MQM[/bold]</bdi></h1>' in page.text
    )
    # inside a sentence too, the name keeps to its own direction
    assert "decision to grant cover to <bdi>فاروق\u200cستار [bold]MQM[/bold]</bdi>" in page.text
    assert "<title>\u2068فاروق\u200cستار [bold]MQM[/bold]\u2069 — Hifazat</title>" in page.text
    listing = api.client.get("/protectees").text
    assert "<bdi>فاروق\u200cستار [bold]MQM[/bold]</bdi>" in listing
