"""Small-cell suppression on hand-made tables, where the right answer can be worked out."""

from __future__ import annotations

from hifazat.reports.transparency.suppression import (
    SMALL,
    WITHHELD,
    Key,
    Relation,
    determined,
    suppress,
)
from hifazat.reports.transparency.tables import ALL, Grid, Label

T = 5


def grid(values: list[list[int]], private: list[list[int]] | None = None) -> Grid:
    """A table of counts with row, column and grand totals; private persons = the counts
    unless given."""
    rows = tuple(Label(f"r{n}", f"r{n}") for n in range(len(values)))
    columns = tuple(Label(f"c{n}", f"c{n}") for n in range(len(values[0])))
    made = Grid("t", rows, columns)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            people = value if private is None else private[r][c]
            made.add(f"r{r}", f"c{c}", value, people)
    return made


def solve(made: Grid, forced: list[Key] | None = None) -> dict[Key, str]:
    cells = made.cells()
    values = {k: v for k, (v, _) in cells.items()}
    people = {k: p for k, (_, p) in cells.items()}
    return suppress(values, people, made.relations(), T, forced or ())


def key(r: int | str, c: int | str) -> Key:
    row = ALL if r == ALL else f"r{r}"
    column = ALL if c == ALL else f"c{c}"
    return ("t", row, column)


def test_small_counts_are_hidden_and_zero_and_large_ones_are_not() -> None:
    made = grid([[0, 5, 12], [7, 9, 20]])
    assert solve(made) == {}
    hidden = solve(grid([[0, 4, 12], [7, 9, 20]]))
    assert hidden[key(0, 1)] == SMALL
    assert key(0, 0) not in hidden


def test_a_lone_hidden_cell_takes_a_partner_that_closes_a_gap() -> None:
    #   0  4 12 | 16      4 is alone in row 0 and in column 1. Hiding 12 (the only other
    #   7  9 20 | 36      non-zero of row 0) leaves column 2 with a lone hidden cell; hiding
    #   7 13 32 | 52      9 and then 20 (not the smaller 7, whose column has no other
    #                     non-zero cell and would cost its total) closes the rectangle.
    made = grid([[0, 4, 12], [7, 9, 20]])
    assert solve(made) == {
        key(0, 1): SMALL,
        key(0, 2): WITHHELD,
        key(1, 1): WITHHELD,
        key(1, 2): WITHHELD,
    }


def test_with_no_other_part_the_total_goes() -> None:
    # one row: the cell and its column total are the same number
    made = grid([[3, 0]])
    hidden = solve(made)
    assert {key(0, 0), key(ALL, 0), key(0, ALL), key(ALL, ALL)} <= hidden.keys()
    assert key(0, 1) not in hidden and key(ALL, 1) not in hidden


def test_hidden_cells_must_hold_the_threshold_between_them() -> None:
    # 1 and 2 hidden in a row totalling 23: their sum, 3, would be a small count itself
    made = grid([[1, 2, 20], [9, 9, 9]])
    hidden = solve(made)
    assert key(0, 2) in hidden or key(0, ALL) in hidden


def test_a_count_resting_on_few_private_persons_is_withheld_however_large() -> None:
    made = grid([[7, 9], [8, 6]], private=[[3, 0], [0, 0]])
    hidden = solve(made)
    assert hidden[key(0, 0)] == WITHHELD
    assert _no_lone_hidden(hidden, made)


def test_forced_cells_are_hidden_and_protected() -> None:
    made = grid([[7, 9], [8, 6]])
    hidden = solve(made, forced=[key(1, 1)])
    assert hidden[key(1, 1)] == WITHHELD
    assert _no_lone_hidden(hidden, made) and _nothing_pinned(hidden, made)


def test_a_bridge_between_two_protected_blocks_is_caught_by_solving() -> None:
    """Every row and column has two or more hidden cells, worth 5 or more together, yet
    r0c2 is the only hidden link between two blocks: row 0 pins it. Only solving the whole
    system sees that."""
    values = [
        [2, 2, 2, 0],
        [3, 3, 0, 0],
        [0, 0, 3, 3],
        [0, 0, 3, 3],
    ]
    big = [[v or 9 for v in row] for row in values]  # every other cell large: published
    made = grid(big)
    small = {key(r, c) for r, row in enumerate(values) for c, v in enumerate(row) if v}
    order = list(made.cells())
    assert key(0, 2) in determined(sorted(small, key=order.index), made.relations())
    hidden = solve(made)
    assert small <= hidden.keys() and len(hidden) > len(small)
    assert _nothing_pinned(hidden, made)


def test_a_rectangle_of_hidden_cells_pins_none_of_them() -> None:
    made = grid([[3, 4, 9], [4, 3, 9], [9, 9, 9]])
    rectangle = [key(0, 0), key(0, 1), key(1, 0), key(1, 1)]
    assert determined(rectangle, made.relations()) == []
    assert solve(made).keys() == set(rectangle)


def test_tables_sharing_totals_are_suppressed_as_one() -> None:
    rows = (Label("a", "A"), Label("b", "B"))
    by_one = Grid("one", rows, (Label("x", "X"), Label("y", "Y")), totals="shared")
    by_two = Grid("two", rows, (Label("p", "P"), Label("q", "Q")), totals="shared")
    for g, spread in ((by_one, (3, 9, 8, 8)), (by_two, (6, 6, 8, 8))):
        first, second = g.columns
        for (r, c), value in zip(
            [("a", first.key), ("a", second.key), ("b", first.key), ("b", second.key)],
            spread,
            strict=True,
        ):
            g.add(r, c, value, value)
    values: dict[Key, float] = {}
    people: dict[Key, int] = {}
    relations: list[Relation] = []
    for g in (by_one, by_two):
        for k, (v, p) in g.cells().items():
            values[k], people[k] = v, p
        relations += g.relations()
    assert by_one.key("a", ALL) == by_two.key("a", ALL)
    hidden = suppress(values, people, relations, T)
    assert determined(sorted(hidden, key=list(values).index), relations) == []


def _no_lone_hidden(hidden: dict[Key, str], made: Grid) -> bool:
    for relation in made.relations():
        if relation.whole in hidden:
            continue
        if sum(p in hidden for p in relation.parts) == 1:
            return False
    return True


def _nothing_pinned(hidden: dict[Key, str], made: Grid) -> bool:
    order = list(made.cells())
    return determined(sorted(hidden, key=order.index), made.relations()) == []
