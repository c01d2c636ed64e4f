"""The fire step's inner loops, compiled with numba: one pass over the fire's box.

A step written with numpy takes some forty array operations, each paying Python's
overhead on a box of a few thousand cells; compiled, the same arithmetic runs in one
call. The kernels do exactly what ``FireGrid.step`` describes, in the same order of
floating-point operations (no fast-math), so the results are the same bit for bit.
This module is imported only when a fire burns, so numba loads only for wildfires.
"""

from __future__ import annotations

import numpy as np
from numba import njit

UNBURNT, BURNING, OUT = 0, 1, 2


def _burning_box(state: np.ndarray) -> tuple[int, int, int, int]:
    """The rows and columns [r0, r1) x [c0, c1) of the burning cells, one cell wider."""
    rows, cols = state.shape
    r0, r1, c0, c1 = rows, -1, cols, -1
    for r in range(rows):
        for c in range(cols):
            if state[r, c] == BURNING:
                r0, r1 = min(r0, r), max(r1, r)
                c0, c1 = min(c0, c), max(c1, c)
    return max(r0 - 1, 0), min(r1 + 2, rows), max(c0 - 1, 0), min(c1 + 2, cols)


def _spread(
    state: np.ndarray,
    fuel: np.ndarray,
    survival: np.ndarray,
    burn_end: np.ndarray,
    ever_burnt: np.ndarray,
    box: tuple[int, int, int, int],
    draws: np.ndarray,
    offsets: np.ndarray,
    t: float,
    burn_time: float,
) -> tuple[int, int]:
    """One step over the box: catch, then burn out. Returns (cells caught, burnt out).

    An unburnt cell with fuel escapes with the product of ``survival[d]`` over the
    directions ``d`` (in order) whose neighbour burns, and catches when its draw is below
    one minus that; then every cell burning for its time goes out.
    """
    r0, r1, c0, c1 = box
    caught = np.zeros((r1 - r0, c1 - c0), dtype=np.bool_)
    for r in range(r0, r1):
        for c in range(c0, c1):
            if state[r, c] != UNBURNT or not fuel[r, c] > 0:
                continue
            escape = 1.0
            for d in range(offsets.shape[0]):
                sr, sc = r - offsets[d, 0], c - offsets[d, 1]
                if r0 <= sr < r1 and c0 <= sc < c1 and state[sr, sc] == BURNING:
                    escape *= survival[d, r, c]
            caught[r - r0, c - c0] = draws[r - r0, c - c0] < 1 - escape
    n_caught = n_out = 0
    for r in range(r0, r1):
        for c in range(c0, c1):
            if caught[r - r0, c - c0]:
                state[r, c] = BURNING
                burn_end[r, c] = t + burn_time
                ever_burnt[r, c] = True
                n_caught += 1
    for r in range(r0, r1):
        for c in range(c0, c1):
            if state[r, c] == BURNING and burn_end[r, c] <= t:
                state[r, c] = OUT
                n_out += 1
    return n_caught, n_out


burning_box = njit(cache=True, nogil=True)(_burning_box)
spread = njit(cache=True, nogil=True)(_spread)


def _suppress(
    state: np.ndarray,
    mined: np.ndarray,
    put_out_by_ground: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    draws: np.ndarray,
    chance: float,
    ground: bool,
) -> int:
    """Put out the burning cells of an area whose draw is below ``chance`` (ground crews
    skip mined cells); returns how many."""
    put_out = 0
    for k in range(rows.shape[0]):
        r, c = rows[k], cols[k]
        if state[r, c] == BURNING and draws[k] < chance and not (ground and mined[r, c]):
            state[r, c] = OUT
            if ground:
                put_out_by_ground[r, c] = True
            put_out += 1
    return put_out


def _burning_groups(
    state: np.ndarray, rows: np.ndarray, cols: np.ndarray, group: np.ndarray, groups: int
) -> np.ndarray:
    """For each group of cells (a village, a road, a fire's area), whether any burns."""
    burning = np.zeros(groups, dtype=np.bool_)
    for k in range(rows.shape[0]):
        if state[rows[k], cols[k]] == BURNING:
            burning[group[k]] = True
    return burning


suppress = njit(cache=True, nogil=True)(_suppress)
burning_groups = njit(cache=True, nogil=True)(_burning_groups)
