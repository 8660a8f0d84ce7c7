"""Protectees of the synthetic nation: who they are, the offices and parties they held, and the
threat assessments made about them over the five years."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from bench import nation
from bench.nation import Kind, ProviderSpec
from hifazat.domain.protectee import Affiliation, Office

#: Pakistan Standard Time; no daylight saving since 2009, so a fixed offset is exact
PKT = timezone(timedelta(hours=5))
START = datetime(2021, 7, 1, tzinfo=PKT)
END = datetime(2026, 7, 1, tzinfo=PKT)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def local_day(at: datetime) -> date:
    return at.astimezone(PKT).date()


def at_day(day: date, rng: random.Random) -> datetime:
    """An instant in office hours on `day`, to the minute."""
    minutes = rng.randrange(9 * 60, 18 * 60)
    return datetime(day.year, day.month, day.day, tzinfo=PKT) + timedelta(minutes=minutes)


def shift(at: datetime, rng: random.Random, low: float, high: float) -> datetime:
    """`at` plus a uniform number of days in [low, high), to the minute."""
    minutes = int(rng.uniform(low, high) * 24 * 60)
    return at + timedelta(minutes=minutes)


def text_time(at: datetime) -> str:
    return at.astimezone(PKT).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Assessment:
    id: str
    level: str
    at: datetime
    valid_until: datetime
    agency: str
    by: str


@dataclass
class Person:
    id: str
    name: str
    kind: Kind
    province: str
    district: ProviderSpec | None
    offices: list[Office] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    liaisons: list[str] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)

    def office_classes_on(self, day: date) -> list[str]:
        return [o.office_class for o in self.offices if o.held_on(day)]

    def party_on(self, day: date) -> str | None:
        held = [a for a in self.affiliations if a.held_on(day)]
        return max(held, key=lambda a: a.since or date.min).name if held else None

    def threat_at(self, at: datetime, known_by: datetime) -> str | None:
        """The level of the latest assessment valid at `at` among those entered by `known_by`,
        as `hifazat.domain.threat.current_assessment` judges it."""
        valid = [a for a in self.assessments if a.at <= at < a.valid_until and a.at <= known_by]
        if not valid:
            return None
        return max(valid, key=lambda a: (a.at, a.id)).level

    def latest_level(self, at: datetime) -> str | None:
        """The level last assessed by `at`, lapsed or not: desks act on it until told otherwise."""
        known = [a for a in self.assessments if a.at <= at]
        return known[-1].level if known else None


def liaison_id(party: str) -> str:
    return "liaison-" + party.lower()


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _party(rng: random.Random, province: str, allowed: tuple[str, ...] = ()) -> str:
    weights = nation.PARTIES[province]
    if allowed:
        weights = {k: v for k, v in weights.items() if k in allowed} or {allowed[0]: 1.0}
    return _weighted(rng, weights)


def _affiliations(rng: random.Random, party: str) -> list[Affiliation]:
    if not party:
        return []
    if party == "PTI" and rng.random() < nation.DEFECTION_SHARE:
        new, when = rng.choice(nation.DEFECTIONS)
        return [Affiliation("PTI", None, when), Affiliation(new, when, None)]
    return [Affiliation(party)]


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max(1, (last - first).days)))


def _chamber(kind: Kind, province: str) -> str:
    national = kind.office_class in ("mna", "federal-minister") or province == "Islamabad"
    return "Pakistan" if national else province


def _terms(rng: random.Random, chamber: str) -> list[nation.Term]:
    terms = [t for t in nation.ASSEMBLIES[chamber] if t.until is None or t.until > START.date()]
    if len(terms) == 1:
        return terms
    first, second = terms[0], terms[1]
    if rng.random() < 0.75:
        return [first, second] if rng.random() < 0.45 else [first]
    return [second]


def _politician(rng: random.Random, kind: Kind, person: Person) -> None:
    assert kind.office_class is not None
    chamber = _chamber(kind, person.province)
    for term in _terms(rng, chamber):
        since = term.since + timedelta(days=rng.randrange(0, 20))
        person.offices.append(Office(kind.office_class, kind.title, since, term.until))
    party = _party(rng, person.province)
    person.affiliations = _affiliations(rng, party)


def _minister(rng: random.Random, kind: Kind, person: Person) -> None:
    assert kind.office_class is not None
    federal = kind.office_class == "federal-minister"
    if not federal and person.province == "Islamabad":
        person.province = "Punjab"
    place = "Pakistan" if federal else person.province
    governments = [
        g for g in nation.GOVERNMENTS[place] if g.until is None or g.until > START.date()
    ]
    government = rng.choice(governments)
    party = rng.choice(government.parties)
    person.affiliations = _affiliations(rng, party)
    member = "mna" if federal else "mpa"
    for term in nation.ASSEMBLIES["Pakistan" if federal else _assembly(person.province)]:
        if term.since <= government.since and (term.until is None or government.since < term.until):
            title = "Member of the National Assembly" if federal else "Member of the Assembly"
            person.offices.append(Office(member, title, term.since, term.until))
    later = [
        g
        for g in governments
        if g.since > government.since and party in g.parties and rng.random() < 0.3
    ]
    for g in (government, *later):
        since = g.since + timedelta(days=rng.randrange(0, 45))
        until = g.until
        if rng.random() < 0.2:  # reshuffled out of the cabinet
            early = since + timedelta(days=rng.randrange(200, 900))
            until = early if until is None or early < until else until
        person.offices.append(Office(kind.office_class, kind.title, since, until))


def _assembly(province: str) -> str:
    return province if province in nation.ASSEMBLIES else "Pakistan"


def _appointed(rng: random.Random, kind: Kind, person: Person) -> None:
    assert kind.office_class is not None
    if kind.office_class == "senator":
        since = rng.choice((date(2018, 3, 12), date(2021, 3, 12), date(2024, 4, 9)))
        until: date | None = since.replace(year=since.year + 6)
    elif kind.office_class == "judge":
        since = _random_day(rng, date(2005, 1, 1), date(2026, 1, 1))
        until = since + timedelta(days=rng.randrange(3 * 365, 20 * 365))
    else:
        since = _random_day(rng, date(2016, 1, 1), date(2026, 3, 1))
        until = since + timedelta(days=rng.randrange(365, 5 * 365))
    if until is not None and until <= START.date():  # must reach into the five years
        since, until = START.date() - timedelta(days=300), START.date() + timedelta(days=700)
    person.offices.append(Office(kind.office_class, kind.title, since, until))
    if kind.affiliated and rng.random() < kind.affiliated:
        person.affiliations = _affiliations(rng, _party(rng, person.province))


def _threatened(rng: random.Random, kind: Kind, person: Person) -> None:
    if kind.office_class is not None:
        since = _random_day(rng, date(1995, 1, 1), date(2024, 1, 1))
        person.offices.append(Office(kind.office_class, kind.title, since, None))
    if kind.affiliated and rng.random() < kind.affiliated:
        religious = ("JUI-F", "TLP", "JI")
        allowed = religious if kind.name == "religious-leader" else ()
        party = _party(rng, person.province, allowed) or "JI"
        person.affiliations = _affiliations(rng, party)


CAREERS = {
    "politician": _politician,
    "minister": _minister,
    "appointed": _appointed,
    "threat": _threatened,
}

_UP = {"none": "low", "low": "moderate", "moderate": "high", "high": "severe", "severe": "severe"}
_DOWN = {"severe": "high", "high": "moderate", "moderate": "low", "low": "none", "none": "none"}


def _assessments(rng: random.Random, person: Person, counter: list[int]) -> None:
    """A series of yearly assessments; a few lapse for a while before the next one."""
    kind = person.kind
    if rng.random() >= kind.threatened:
        return
    agency_user, agency = nation.AGENCIES[person.province]
    if kind.career == "threat" and rng.random() < 0.8:
        at = shift(START, rng, 0, 60)
    else:
        at = shift(START, rng, 0, (END - START).days - 60)
    weights = (
        {"moderate": 0.5, "high": 0.35, "severe": 0.15}
        if kind.career == "threat"
        else {"moderate": 0.4, "high": 0.4, "severe": 0.2}
    )
    level = _weighted(rng, weights)
    while at < END:
        counter[0] += 1
        valid = at + timedelta(days=365)
        person.assessments.append(
            Assessment(f"t-{counter[0]:07d}", level, at, valid, agency, agency_user)
        )
        if level in ("none", "low") and rng.random() < 0.5:
            if rng.random() >= 0.5:
                return
            at = shift(valid, rng, 180, 720)  # a new threat, later
            level = _weighted(rng, weights)
            continue
        step = rng.random()
        level = _DOWN[level] if step < 0.2 else _UP[level] if step < 0.32 else level
        at = shift(valid, rng, 20, 120) if rng.random() < 0.04 else shift(at, rng, 300, 360)


def make_people(rng: random.Random, count: int) -> list[Person]:
    districts = nation.district_providers()
    kinds = nation.KINDS
    people = []
    counter = [0]
    width = max(5, len(str(count)))
    for n in range(1, count + 1):
        kind = rng.choices(kinds, weights=[k.share for k in kinds])[0]
        province = rng.choices(nation.PROVINCES, weights=nation.PROVINCE_WEIGHTS)[0]
        local = districts.get(province)
        district = rng.choice(local) if local else None
        name = f"{rng.choice(nation.FIRST_NAMES)} {rng.choice(nation.SURNAMES)}"
        person = Person(f"p-{n:0{width}d}", name, kind, province, district)
        CAREERS[kind.career](rng, kind, person)
        if kind.public_figure:
            person.liaisons = sorted({liaison_id(a.name) for a in person.affiliations})
        _assessments(rng, person, counter)
        people.append(person)
    return people
