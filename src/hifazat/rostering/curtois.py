"""The published shift-scheduling benchmark (Curtois & Qu, 2014; schedulingbenchmarks.org, nurse
rostering instances 1–24) read into the roster's own `Problem`, so the solver the desks use is
the one measured against the published table.

Its text format: `#` comments, then sections — SECTION_HORIZON (days; every instance starts
on a Monday), SECTION_SHIFTS (id, minutes, kinds that may not follow, `|`-separated),
SECTION_STAFF (id, `D=14|N=3` most of each kind, most and least minutes, most and least
consecutive shifts, least consecutive days off, most weekends), SECTION_DAYS_OFF (id, days…),
SECTION_SHIFT_ON_REQUESTS and SECTION_SHIFT_OFF_REQUESTS (id, day, kind, weight), SECTION_COVER
(day, kind, requirement, weight under, weight over)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from hifazat.domain.errors import InvalidInput
from hifazat.domain.roster import Cover, Problem, Request, Roster, Shift, Worker

#: the published best-known objectives (best solution found); where two public copies of the
#: table disagree (15, 22–24) the upper figure, which a solution has reached, with its lower
#: bound beside it in BOUNDS
BEST_KNOWN: dict[str, int] = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
    "Instance9": 439,
    "Instance10": 4631,
    "Instance11": 3443,
    "Instance12": 4040,
    "Instance13": 1348,
    "Instance14": 1278,
    "Instance15": 3831,
    "Instance16": 3225,
    "Instance17": 5746,
    "Instance18": 4459,
    "Instance19": 3149,
    "Instance20": 4769,
    "Instance21": 21133,
    "Instance22": 30244,
    "Instance23": 17428,
    "Instance24": 42463,
}
#: the lower bounds published where they differ from the best-known objective
BOUNDS: dict[str, int] = {
    "Instance15": 3829,
    "Instance22": 30240,
    "Instance23": 16990,
    "Instance24": 26571,
}

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


@dataclass(frozen=True)
class Line:
    number: int
    fields: list[str]
    source: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}:{self.number}" if self.source else f"line {self.number}"

    def field(self, index: int, name: str) -> str:
        if index >= len(self.fields) or not self.fields[index]:
            raise self.error(f"{name} is missing")
        return self.fields[index]

    def number_at(self, index: int, name: str) -> int:
        text = self.field(index, name)
        try:
            value = int(text)
        except ValueError:
            raise self.error(f"{name} is not a whole number: {text!r}") from None
        if value < 0:
            raise self.error(f"{name} is negative: {value}")
        return value

    def error(self, message: str) -> InvalidInput:
        return InvalidInput(self.where, message)


def read(text: str, source: str = "") -> Problem:
    """The instance in `text` (from the file `source`); an error names the line and the field at
    fault."""
    sections = _sections(text, source)
    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise InvalidInput(
            source or "SECTION_HORIZON", "SECTION_HORIZON must hold one line: the days"
        )
    horizon = horizon_lines[0].number_at(0, "the horizon")
    if horizon == 0:
        raise horizon_lines[0].error("the horizon is empty")

    shifts: dict[str, Shift] = {}
    for line in sections["SECTION_SHIFTS"]:
        sid = line.field(0, "the shift id")
        after = frozenset(f for f in (line.fields[2:3] or [""])[0].split("|") if f)
        if sid in shifts:
            raise line.error(f"shift {sid} is defined twice")
        shifts[sid] = Shift(sid, line.number_at(1, "the length in minutes"), after)
    for s in shifts.values():
        for then in s.not_followed_by - shifts.keys():
            raise InvalidInput(
                source or "SECTION_SHIFTS", f"shift {s.id}: unknown shift {then!r} after it"
            )

    def kind(line: Line, index: int) -> str:
        sid = line.field(index, "the shift id")
        if sid not in shifts:
            raise line.error(f"unknown shift {sid!r}")
        return sid

    def day(line: Line, index: int) -> int:
        d = line.number_at(index, "the day")
        if d >= horizon:
            raise line.error(f"day {d} is beyond the horizon of {horizon} days")
        return d

    staff: dict[str, Line] = {}
    for line in sections["SECTION_STAFF"]:
        wid = line.field(0, "the employee id")
        if wid in staff:
            raise line.error(f"employee {wid} is listed twice")
        staff[wid] = line

    def employee(line: Line) -> str:
        wid = line.field(0, "the employee id")
        if wid not in staff:
            raise line.error(f"unknown employee {wid!r}")
        return wid

    days_off: dict[str, frozenset[int]] = {}
    for line in sections["SECTION_DAYS_OFF"]:
        wid = employee(line)
        days_off[wid] = days_off.get(wid, frozenset()) | {
            day(line, i) for i in range(1, len(line.fields)) if line.fields[i]
        }
    workers = tuple(
        _worker(wid, line, days_off.get(wid, frozenset()), kind) for wid, line in staff.items()
    )

    def requests(section: str, on: bool) -> Iterator[Request]:
        for line in sections[section]:
            yield Request(
                employee(line), day(line, 1), kind(line, 2), line.number_at(3, "the weight"), on
            )

    cover = tuple(
        Cover(
            day=day(line, 0),
            shift=kind(line, 1),
            requirement=line.number_at(2, "the requirement"),
            under_weight=line.number_at(3, "the weight for under"),
            over_weight=line.number_at(4, "the weight for over"),
        )
        for line in sections["SECTION_COVER"]
    )
    return Problem(
        horizon=horizon,
        shifts=tuple(shifts.values()),
        workers=workers,
        cover=cover,
        requests=(
            *requests("SECTION_SHIFT_ON_REQUESTS", True),
            *requests("SECTION_SHIFT_OFF_REQUESTS", False),
        ),
        first_weekday=0,
    )


def assignment(problem: Problem, roster: Roster) -> dict[str, list[str]]:
    """The benchmark's form of a roster: per employee, one shift id or "" a day."""
    return {
        w.id: [slot.shift if slot is not None else "" for slot in roster[w.id]]
        for w in problem.workers
    }


def _worker(
    wid: str, line: Line, days_off: frozenset[int], kind: Callable[[Line, int], str]
) -> Worker:
    most: dict[str, int] = {}
    for part in line.field(1, "MaxShifts").split("|"):
        sid, eq, n = part.partition("=")
        shift = kind(Line(line.number, [sid.strip()], line.source), 0)
        if not eq:
            raise line.error(f"MaxShifts entry {part!r} is not SHIFT=NUMBER")
        most[shift] = Line(line.number, [n.strip()], line.source).number_at(
            0, f"MaxShifts of {shift}"
        )
    return Worker(
        id=wid,
        max_shifts=most,
        max_minutes=line.number_at(2, "MaxTotalMinutes"),
        min_minutes=line.number_at(3, "MinTotalMinutes"),
        max_consecutive=line.number_at(4, "MaxConsecutiveShifts"),
        min_consecutive=line.number_at(5, "MinConsecutiveShifts"),
        min_days_off=line.number_at(6, "MinConsecutiveDaysOff"),
        max_weekends=line.number_at(7, "MaxWeekends"),
        days_off=days_off,
    )


def _sections(text: str, source: str) -> dict[str, list[Line]]:
    sections: dict[str, list[Line]] = {name: [] for name in SECTIONS}
    current: list[Line] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("SECTION_"):
            if stripped not in sections:
                raise Line(number, [], source).error(f"unknown section {stripped}")
            current = sections[stripped]
            continue
        if current is None:
            raise Line(number, [], source).error("data before any section")
        current.append(Line(number, [f.strip() for f in stripped.split(",")], source))
    if not sections["SECTION_HORIZON"] or not sections["SECTION_STAFF"]:
        raise InvalidInput(
            source or "the file", "not a shift-scheduling instance: no horizon or staff"
        )
    return sections
