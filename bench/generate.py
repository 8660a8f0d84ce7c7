"""A deterministic synthetic nation for the benchmarks, written as a version-1 scenario file.

At scale 1: 20,000 protectees with offices and party histories, 40 providers (federal,
provincial, district) whose pools sum to about 70,000 officers, and five years of history
(July 2021 to June 2026): about 250,000 decisions that pass every rule of the illustrative
policy, tens of thousands of threat assessments, reviews, appeals and ground reports.
Anchors: India's police reported 19,467 protectees guarded by 66,043 officers in 2019.

    python -m bench.generate --scale 0.01 --out /tmp/nation

writes `scenario.yaml` (for `hifazat import`) and `operations.json` (reviews, appeals,
ratifications and resolutions, which the scenario format lacks; `bench.load` applies them
through the services)."""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench import nation, records
from bench.nation import ProviderSpec
from bench.people import END, START, Person, make_people, text_time
from bench.timeline import Approvals, Decision, Override, Plan, simulate
from hifazat.domain.policy_document import policy_from_document
from hifazat.domain.protectee import Office
from hifazat.services.importer import read_policy

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "pk-sindh-illustrative.yaml"
NATIONAL_PROTECTEES = 20_000
SWEEP = START.replace(year=2022, month=3, day=14)  # the court order on private persons
PURGE = START.replace(year=2023, month=5, day=20)  # one province's desk against one party
COMMITTEE = [
    "committee-federal",
    "committee-punjab",
    "committee-sindh",
    "committee-kp",
    "committee-balochistan",
]


@dataclass
class Nation:
    scale: float
    seed: int
    providers: tuple[ProviderSpec, ...]
    pools: dict[str, tuple[int, int]]
    people: list[Person]
    users: list[dict[str, Any]]
    decisions: list[Decision]
    reports: list[dict[str, Any]]
    ops: list[dict[str, Any]]
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def assessments(self) -> int:
        return sum(len(p.assessments) for p in self.people)

    def counts(self) -> dict[str, int]:
        ops = Counter(o["op"] for o in self.ops)
        actions = Counter(d.action for d in self.decisions)
        return {
            "providers": len(self.providers),
            "pool_personnel": sum(p for p, _ in self.pools.values()),
            "pool_vehicles": sum(v for _, v in self.pools.values()),
            "users": len(self.users),
            "protectees": len(self.people),
            "threat_assessments": self.assessments,
            "decisions": len(self.decisions),
            "decisions_unapproved": sum(not d.approved for d in self.decisions),
            "decisions_committee": sum(
                any(a.startswith("committee-") for a in d.approvers) for d in self.decisions
            ),
            "decisions_emergency": sum(d.emergency for d in self.decisions),
            **{f"decisions_{k}": v for k, v in sorted(actions.items())},
            "discrepancies": len(self.reports),
            "reviews": ops["review"],
            "appeals": ops["lodge"],
            "appeals_overturned": sum(
                o["op"] == "rule" and o["outcome"] == "overturned" for o in self.ops
            ),
            "ratifications": ops["ratify"],
            "resolutions": ops["resolve"],
        }


def _rank(rng: random.Random, low: int, high: int, p_low: float) -> int:
    return low if rng.random() < p_low else high


def _positional(
    office: Office, person: Person, rng: random.Random
) -> tuple[ProviderSpec, int] | None:
    provincial = nation.PROVINCIAL[person.province]
    local = person.district or provincial
    cls = office.office_class
    if cls == "federal-minister":
        return nation.FEDERAL[0], _rank(rng, 2, 3, 0.7)
    if cls == "provincial-minister":
        return provincial, _rank(rng, 2, 3, 0.6)
    if cls == "provincial-opposition-leader":
        return provincial, _rank(rng, 3, 2, 0.7)
    if cls in ("mna", "mpa", "parliamentary-party-leader", "senator"):
        return provincial, _rank(rng, 1, 2, 0.7)
    if cls == "judge":
        return (provincial, 2) if rng.random() < 0.5 else (local, 1)
    if cls == "senior-official":
        return (local, 1) if rng.random() < 0.6 else (provincial, 2)
    return None


COVERED = {"politician": 0.9, "minister": 0.95, "appointed": 0.6}


def plans_for(person: Person, rng: random.Random) -> list[Plan]:
    plans: dict[str, Plan] = {}
    career = person.kind.career
    threatened = bool(person.assessments)
    if career in COVERED:
        if rng.random() < COVERED[career]:
            for office in person.offices:
                found = _positional(office, person, rng)
                if found is not None:
                    provider, rank = found
                    plan = plans.setdefault(provider.id, Plan(person, provider, "positional"))
                    plan.offices.append((office, rank))
            for plan in plans.values():
                plan.threat_boost = threatened and rng.random() < 0.7
    elif threatened and rng.random() < 0.9:
        first = person.assessments[0].level
        local = rng.random() < (0.7 if first == "moderate" else 0.2)
        desk = nation.PROVINCIAL[person.province]
        if local and person.district is not None:
            desk = person.district
        plans[desk.id] = Plan(person, desk, "threat")
        severe = any(a.level == "severe" for a in person.assessments)
        federal = [f for f in nation.FEDERAL[1:] if person.province in f.serves]
        if severe and federal and rng.random() < 0.4:
            plans[federal[0].id] = Plan(person, federal[0], "threat", federal_layer=True)
    for plan in plans.values():
        _overrides(plan, rng)
    return list(plans.values())


def _overrides(plan: Plan, rng: random.Random) -> None:
    person = plan.person
    sweep = person.kind.name == "private-person" and plan.basis == "threat"
    if sweep and person.latest_level(SWEEP) != "severe" and rng.random() < 0.45:
        until = SWEEP + (END - START) * rng.uniform(0.16, 0.27)
        plan.overrides.append(Override(SWEEP, until, "court-order"))
    purged = plan.provider.id == "punjab-police" and person.party_on(PURGE.date()) == "PTI"
    if purged and rng.random() < 0.5:
        until = PURGE + (END - START) * rng.uniform(0.11, 0.22)
        plan.overrides.append(Override(PURGE, until, "resource-redeployment"))


def users(providers: tuple[ProviderSpec, ...], people: list[Person]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"id": "registrar", "name": "Registrar", "roles": ["admin"]},
        {"id": "auditor", "name": "Oversight auditor", "roles": ["auditor"]},
    ]
    for p in providers:
        out.append(
            {"id": f"op-{p.id}", "name": f"Duty officer, {p.name}", "roles": [f"operator@{p.id}"]}
        )
        out.append(
            {
                "id": f"ap-{p.id}",
                "name": f"Approving officer, {p.name}",
                "roles": [f"approver@{p.id}"],
            }
        )
    for member in COMMITTEE:
        region = member.split("-", 1)[1].upper()
        out.append(
            {
                "id": member,
                "name": f"Threat Assessment Committee ({region})",
                "roles": ["committee"],
            }
        )
    for user, agency in sorted(set(nation.AGENCIES.values())):
        out.append({"id": user, "name": agency, "roles": ["intelligence"]})
    liaisons = sorted({liaison for p in people for liaison in p.liaisons})
    for liaison in liaisons:
        party = liaison.removeprefix("liaison-").upper()
        out.append({"id": liaison, "name": f"{party} security liaison", "roles": ["liaison"]})
    return out


def generate(scale: float = 1.0, seed: int = 2019) -> Nation:
    started = time.perf_counter()
    rng = random.Random(seed)
    policy = policy_from_document(read_policy(POLICY))
    providers = nation.all_providers()
    people = make_people(rng, max(10, round(NATIONAL_PROTECTEES * scale)))
    approvals = Approvals(policy, COMMITTEE, rng)
    counter = [0]

    def next_id() -> str:
        counter[0] += 1
        return f"d-{counter[0]:07d}"

    simulated: list[tuple[Plan, list[Decision]]] = []
    ops: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    report_ids = [0]
    for person in people:
        for plan in plans_for(person, rng):
            decisions = simulate(plan, approvals, rng, next_id)
            if not decisions:
                continue
            tail = decisions[-1]
            if tail.decided_at > END - (END - START) / 180 and rng.random() < 0.4:
                tail.approved_by = None  # still waiting for its approver
            ops += records.appeals(person, decisions, COMMITTEE, rng)
            ops += records.ratifications(decisions, COMMITTEE, rng)
            ops += records.reviews(plan, decisions, rng)
            found, resolutions = records.ground_reports(plan, decisions, report_ids, rng)
            reports += found
            ops += resolutions
            simulated.append((plan, decisions))
    reports += records.karachi_reports(simulated, report_ids)
    ops.sort(key=lambda o: (o["at"], o["op"]))
    return Nation(
        scale=scale,
        seed=seed,
        providers=providers,
        pools=records.pools(providers, simulated, rng),
        people=people,
        users=users(providers, people),
        decisions=sorted((d for _, ds in simulated for d in ds), key=lambda d: d.id),
        reports=reports,
        ops=ops,
        seconds=time.perf_counter() - started,
    )


# --- writing -------------------------------------------------------------------------------------
def _provider(p: ProviderSpec, pool: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "level": p.level,
        "jurisdiction": p.jurisdiction,
        "pool": {"personnel": pool[0], "vehicles": pool[1]},
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "rank": c.rank,
                "personnel": c.personnel,
                "vehicles": c.vehicles,
            }
            for c in p.categories
        ],
    }


def _protectee(p: Person) -> dict[str, Any]:
    row: dict[str, Any] = {"id": p.id, "name": p.name, "public_figure": p.kind.public_figure}
    if p.affiliations:
        row["affiliation"] = [
            {
                k: v
                for k, v in (
                    ("name", a.name),
                    ("since", a.since.isoformat() if a.since else None),
                    ("until", a.until.isoformat() if a.until else None),
                )
                if v is not None
            }
            for a in p.affiliations
        ]
    if p.liaisons:
        row["liaisons"] = p.liaisons
    row["offices"] = [
        {
            "class": o.office_class,
            "title": o.title,
            "since": o.since.isoformat(),
            **({"until": o.until.isoformat()} if o.until else {}),
        }
        for o in p.offices
    ]
    return row


def _decision(d: Decision) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": d.id,
        "protectee": d.protectee,
        "provider": d.provider,
        "action": d.action,
    }
    if d.category:
        row["category"] = d.category
    if d.basis:
        row["basis"] = d.basis
    row |= {
        "reason_code": d.reason_code,
        "reason": d.reason,
        "proposed_by": d.proposed_by,
    }
    if d.approved_by is not None:
        row["approved_by"] = d.approved_by
    row |= {"decided_at": text_time(d.decided_at), "effective_at": text_time(d.effective_at)}
    if d.emergency:
        row["emergency"] = True
    return row


def _assessments(people: list[Person]) -> list[dict[str, Any]]:
    rows = []
    for p in people:
        for a in p.assessments:
            rows.append(
                {
                    "id": a.id,
                    "protectee": p.id,
                    "level": a.level,
                    "agency": a.agency,
                    "assessed_at": text_time(a.at),
                    "valid_until": text_time(a.valid_until),
                    "summary": f"Restricted: sources and threat actors against {p.id} ({a.level})",
                    "entered_by": a.by,
                }
            )
    return rows


def _section(name: str, rows: list[dict[str, Any]]) -> str:
    """One flow mapping per line (JSON is YAML): fast to write and still readable."""
    if not rows:
        return f"{name}: []\n"
    lines = [f"{name}:"] + [f"  - {json.dumps(r, ensure_ascii=False)}" for r in rows]
    return "\n".join(lines) + "\n"


def write(n: Nation, folder: Path) -> tuple[Path, Path]:
    """Writes scenario.yaml (the policy inline, so the file stands alone) and operations.json."""
    folder.mkdir(parents=True, exist_ok=True)
    policy = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    scenario = folder / "scenario.yaml"
    with scenario.open("w", encoding="utf-8") as out:
        out.write(
            f"# Synthetic nation, scale {n.scale}, seed {n.seed}: generated by bench/generate.py;\n"
            f"# every name and record is invented. History {text_time(START)} to "
            f"{text_time(END)}.\n"
        )
        out.write("version: 1\n")
        out.write(f"policy: {json.dumps(policy, ensure_ascii=False)}\n")
        out.write(_section("providers", [_provider(p, n.pools[p.id]) for p in n.providers]))
        out.write(_section("users", n.users))
        out.write(_section("protectees", [_protectee(p) for p in n.people]))
        out.write(_section("threat_assessments", _assessments(n.people)))
        out.write(_section("decisions", [_decision(d) for d in n.decisions]))
        out.write(_section("discrepancies", n.reports))
    operations = folder / "operations.json"
    lines = ",\n".join(json.dumps(o, ensure_ascii=False) for o in n.ops)
    operations.write_text(f"[\n{lines}\n]\n", "utf-8")
    return scenario, operations


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="1 is national scale")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--out", type=Path, default=Path("var/bench/nation"))
    args = parser.parse_args(argv)
    n = generate(args.scale, args.seed)
    scenario, operations = write(n, args.out)
    print(
        json.dumps(
            {
                "scenario": str(scenario),
                "operations": str(operations),
                "seconds": round(n.seconds, 2),
                **n.counts(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
