"""An independent checker for the Curtois & Qu nurse-rostering instances 1–24.

Written from the published definition (schedulingbenchmarks.org, "Nurse Rostering Instances
1..24") alone, apart from the solver in ``hifazat.rostering``, so that a bug in the solver's reading
of the rules is not silently shared by the test that judges it. It imports nothing from ``src/``.

An assignment maps every employee id to a list of exactly ``horizon`` strings, each a shift id or
``""`` for a day off. Day 0 is a Monday; days ``d % 7 in {5, 6}`` are the weekend.
"""

from __future__ import annotations

import pathlib
import types
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "BEST_KNOWN",
    "DAY_OFF",
    "Cover",
    "Instance",
    "Request",
    "Shift",
    "Staff",
    "objective",
    "read_instance",
    "violations",
]

DAY_OFF = ""
"""What an assignment holds on a day the employee does not work."""

BEST_KNOWN: dict[int, int] = {
    1: 607,
    2: 828,
    3: 1001,
    4: 1716,
    5: 1143,
    6: 1950,
    7: 1056,
    8: 1300,
    9: 439,
    10: 4631,
    11: 3443,
    12: 4040,
    13: 1348,
    14: 1278,
    16: 3225,
    17: 5746,
    18: 4459,
    19: 3149,
    20: 4769,
    21: 21133,
}
"""Published best-known objectives; 15 and 22–24 are left out because public copies disagree."""

Assignment = Mapping[str, Sequence[str]]

_SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


@dataclass(frozen=True)
class Shift:
    """A shift type: its minutes count towards the totals; ``forbidden_next`` may not follow it."""

    id: str
    minutes: int
    forbidden_next: frozenset[str]


@dataclass(frozen=True)
class Staff:
    """One employee's hard limits; a shift type missing from ``max_shifts`` is unlimited."""

    id: str
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    """A soft wish to work (on-request) or not to work (off-request) ``shift`` on ``day``."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """How many should work ``shift`` on ``day``, and what each one short or over costs."""

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class Instance:
    """A parsed instance file; immutable so one parse can be shared across tests."""

    name: str
    horizon: int
    shifts: Mapping[str, Shift]
    staff: Mapping[str, Staff]
    days_off: Mapping[str, frozenset[int]]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]


class _Line:
    """A data line with its number, so that a parse error can point at the file."""

    def __init__(self, path: pathlib.Path, number: int, text: str) -> None:
        self.path = path
        self.number = number
        self.fields = [field.strip() for field in text.split(",")]

    def error(self, message: str) -> ValueError:
        return ValueError(f"{self.path}:{self.number}: {message}")

    def take(self, count: int, *, required: int | None = None) -> list[str]:
        """The first ``count`` fields (the last ones may be absent if fewer are ``required``).

        Anything after them must be empty, as a trailing comma leaves.
        """
        needed = count if required is None else required
        fields = [*self.fields, *[""] * (count - len(self.fields))]
        if len(self.fields) < needed or any(fields[count:]):
            raise self.error(f"expected {count} comma-separated fields, got {self.fields!r}")
        return fields[:count]

    def values(self) -> list[str]:
        """All fields, without the empty ones a trailing comma leaves."""
        fields = list(self.fields)
        while fields and not fields[-1]:
            fields.pop()
        if not all(fields):
            raise self.error(f"empty field in {self.fields!r}")
        return fields

    def integer(self, text: str, *, minimum: int = 0) -> int:
        try:
            value = int(text)
        except ValueError:
            raise self.error(f"{text!r} is not an integer") from None
        if value < minimum:
            raise self.error(f"{value} is below {minimum}")
        return value


def _sections(path: pathlib.Path) -> dict[str, list[_Line]]:
    """Group the file's data lines by section, dropping comments and blank lines."""
    sections: dict[str, list[_Line]] = {}
    current: list[_Line] | None = None
    text = path.read_text(encoding="utf-8-sig")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            name = line.rstrip(",").strip()
            if name not in _SECTIONS:
                raise ValueError(f"{path}:{number}: unknown section {name!r}")
            if name in sections:
                raise ValueError(f"{path}:{number}: section {name} appears twice")
            current = sections[name] = []
            continue
        if current is None:
            raise ValueError(f"{path}:{number}: data before the first section")
        current.append(_Line(path, number, line))
    for name in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"):
        if not sections.get(name):
            raise ValueError(f"{path}: section {name} is missing or empty")
    return sections


def read_instance(path: pathlib.Path) -> Instance:
    """Parse an instance file, checking every reference so a bad file fails here, not later."""
    sections = _sections(path)

    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise horizon_lines[1].error("SECTION_HORIZON holds more than one value")
    (horizon_text,) = horizon_lines[0].take(1)
    horizon = horizon_lines[0].integer(horizon_text, minimum=1)

    shifts: dict[str, Shift] = {}
    for line in sections["SECTION_SHIFTS"]:
        shift_id, minutes, forbidden = line.take(3, required=2)
        if not shift_id or shift_id in shifts:
            raise line.error(f"missing or repeated shift id {shift_id!r}")
        nexts = frozenset(s.strip() for s in forbidden.split("|") if s.strip())
        shifts[shift_id] = Shift(shift_id, line.integer(minutes), nexts)
    for shift in shifts.values():
        unknown = shift.forbidden_next - shifts.keys()
        if unknown:
            raise ValueError(f"{path}: shift {shift.id} forbids unknown shifts {sorted(unknown)}")

    def shift_of(line: _Line, shift_id: str) -> str:
        if shift_id not in shifts:
            raise line.error(f"unknown shift {shift_id!r}")
        return shift_id

    def day_of(line: _Line, text: str) -> int:
        day = line.integer(text)
        if day >= horizon:
            raise line.error(f"day {day} is outside the horizon of {horizon} days")
        return day

    staff: dict[str, Staff] = {}
    for line in sections["SECTION_STAFF"]:
        employee, max_shifts_text, *limits = line.take(8)
        if not employee or employee in staff:
            raise line.error(f"missing or repeated employee id {employee!r}")
        max_shifts: dict[str, int] = {}
        for item in (part.strip() for part in max_shifts_text.split("|")):
            if not item:
                continue
            shift_id, equals, count = (part.strip() for part in item.partition("="))
            if not equals or shift_of(line, shift_id) in max_shifts:
                raise line.error(f"bad or repeated MaxShifts item {item!r}")
            max_shifts[shift_id] = line.integer(count)
        numbers = [line.integer(limit) for limit in limits]
        staff[employee] = Staff(employee, types.MappingProxyType(max_shifts), *numbers)

    def employee_of(line: _Line, employee: str) -> str:
        if employee not in staff:
            raise line.error(f"unknown employee {employee!r}")
        return employee

    days_off: dict[str, set[int]] = {employee: set() for employee in staff}
    for line in sections.get("SECTION_DAYS_OFF", []):
        employee, *days = line.values()
        days_off[employee_of(line, employee)].update(day_of(line, day) for day in days)

    def requests(name: str) -> tuple[Request, ...]:
        found = []
        for line in sections.get(name, []):
            employee, day, shift_id, weight = line.take(4)
            found.append(
                Request(
                    employee_of(line, employee),
                    day_of(line, day),
                    shift_of(line, shift_id),
                    line.integer(weight),
                )
            )
        return tuple(found)

    cover = []
    for line in sections.get("SECTION_COVER", []):
        day, shift_id, requirement, under, over = line.take(5)
        cover.append(
            Cover(
                day_of(line, day),
                shift_of(line, shift_id),
                line.integer(requirement),
                line.integer(under),
                line.integer(over),
            )
        )

    return Instance(
        name=path.stem,
        horizon=horizon,
        shifts=types.MappingProxyType(shifts),
        staff=types.MappingProxyType(staff),
        days_off=types.MappingProxyType({e: frozenset(d) for e, d in days_off.items()}),
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def _shape_violations(instance: Instance, assignment: Assignment) -> list[str]:
    """What makes an assignment unreadable: the rules cannot be judged on a malformed one."""
    found = [
        f"Employee {employee} is missing from the assignment."
        for employee in instance.staff
        if employee not in assignment
    ]
    for employee, days in assignment.items():
        if employee not in instance.staff:
            found.append(f"Employee {employee!r} is not in instance {instance.name}.")
            continue
        if isinstance(days, str) or len(days) != instance.horizon:
            length = "a string" if isinstance(days, str) else f"{len(days)} days"
            found.append(
                f"Employee {employee} has {length}, not a list of {instance.horizon} days."
            )
            continue
        for day, shift in enumerate(days):
            if shift != DAY_OFF and shift not in instance.shifts:
                found.append(
                    f"Employee {employee}, day {day}: {shift!r} is not a shift of "
                    f"{instance.name} (nor {DAY_OFF!r} for a day off)."
                )
    return found


def _runs(days: Sequence[str], *, working: bool) -> Iterator[tuple[int, int]]:
    """Maximal runs ``(first, last)`` of worked days (or of days off) within the horizon."""
    start: int | None = None
    for day, shift in enumerate(days):
        if (shift != DAY_OFF) == working:
            if start is None:
                start = day
        elif start is not None:
            yield start, day - 1
            start = None
    if start is not None:
        yield start, len(days) - 1


def _span(first: int, last: int) -> str:
    return f"day {first}" if first == last else f"days {first}–{last}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _employee_violations(instance: Instance, staff: Staff, days: Sequence[str]) -> list[str]:
    """The hard rules that concern one employee's row of days."""
    who = f"Employee {staff.id}"
    found: list[str] = []
    horizon = instance.horizon

    # One shift per day holds by construction: each day holds a single shift id or a day off.

    for day in range(horizon - 1):
        today, tomorrow = days[day], days[day + 1]
        if today != DAY_OFF and tomorrow in instance.shifts[today].forbidden_next:
            found.append(
                f"{who}, days {day}–{day + 1}: shift {tomorrow} on day {day + 1} may not "
                f"follow shift {today} on day {day} (shift rotation)."
            )

    counts = Counter(shift for shift in days if shift != DAY_OFF)
    for shift_id, count in sorted(counts.items()):
        limit = staff.max_shifts.get(shift_id)
        if limit is not None and count > limit:
            found.append(
                f"{who}: works shift {shift_id} {count} times, more than MaxShifts {limit}."
            )

    minutes = sum(instance.shifts[shift].minutes for shift in days if shift != DAY_OFF)
    if minutes > staff.max_total_minutes:
        found.append(
            f"{who}: works {minutes} minutes, more than MaxTotalMinutes {staff.max_total_minutes}."
        )
    if minutes < staff.min_total_minutes:
        found.append(
            f"{who}: works {minutes} minutes, fewer than MinTotalMinutes {staff.min_total_minutes}."
        )

    # Days outside the horizon count as off for the maximum, and as worked (runs of shifts) or
    # off (runs of days off) for the minima: a run touching either end of the horizon is exempt.
    for first, last in _runs(days, working=True):
        length = last - first + 1
        if length > staff.max_consecutive_shifts:
            found.append(
                f"{who}, {_span(first, last)}: works {_days(length)} in a row, more than "
                f"MaxConsecutiveShifts {staff.max_consecutive_shifts}."
            )
        touches_edge = first == 0 or last == horizon - 1
        if length < staff.min_consecutive_shifts and not touches_edge:
            found.append(
                f"{who}, {_span(first, last)}: works {_days(length)} in a row, fewer than "
                f"MinConsecutiveShifts {staff.min_consecutive_shifts}."
            )
    for first, last in _runs(days, working=False):
        length = last - first + 1
        touches_edge = first == 0 or last == horizon - 1
        if length < staff.min_consecutive_days_off and not touches_edge:
            found.append(
                f"{who}, {_span(first, last)}: has {_days(length)} off in a row, fewer than "
                f"MinConsecutiveDaysOff {staff.min_consecutive_days_off}."
            )

    weekends = [
        saturday
        for saturday in range(5, horizon, 7)
        if any(days[d] != DAY_OFF for d in (saturday, saturday + 1) if d < horizon)
    ]
    if len(weekends) > staff.max_weekends:
        worked = ", ".join(_span(s, min(s + 1, horizon - 1)) for s in weekends)
        found.append(
            f"{who}: works {len(weekends)} weekends ({worked}), more than MaxWeekends "
            f"{staff.max_weekends}."
        )

    for day in sorted(instance.days_off.get(staff.id, frozenset())):
        if days[day] != DAY_OFF:
            found.append(f"{who}, day {day}: works shift {days[day]} on a required day off.")

    return found


def violations(instance: Instance, assignment: Assignment) -> list[str]:
    """Every hard-constraint violation as a sentence; an empty list means the roster is feasible.

    A malformed assignment (missing or unknown employee, wrong length, unknown shift id) is
    reported as such and the rules are then judged only for the employees whose row is sound.
    """
    found = _shape_violations(instance, assignment)
    for employee, staff in instance.staff.items():
        days = assignment.get(employee)
        if (
            days is None
            or isinstance(days, str)
            or len(days) != instance.horizon
            or any(shift != DAY_OFF and shift not in instance.shifts for shift in days)
        ):
            continue
        found.extend(_employee_violations(instance, staff, days))
    return found


def objective(instance: Instance, assignment: Assignment) -> int:
    """The soft-constraint penalty, recomputed from scratch; lower is better.

    Raises ``ValueError`` on a malformed assignment, whose penalty would mean nothing. Hard
    violations do not stop it: call ``violations`` for feasibility.
    """
    shape = _shape_violations(instance, assignment)
    if shape:
        raise ValueError("malformed assignment: " + " ".join(shape))

    total = 0
    for request in instance.on_requests:
        if assignment[request.employee][request.day] != request.shift:
            total += request.weight
    for request in instance.off_requests:
        if assignment[request.employee][request.day] == request.shift:
            total += request.weight

    working = Counter(
        (day, shift)
        for days in assignment.values()
        for day, shift in enumerate(days)
        if shift != DAY_OFF
    )
    for row in instance.cover:
        count = working[row.day, row.shift]
        total += row.weight_under * max(0, row.requirement - count)
        total += row.weight_over * max(0, count - row.requirement)
    return total
