"""Cost per customer of an M/M/3 queue: borderdrill against SimPy's own M/M/c and Ciw.

The same queue three ways (tests/scenarios/mmc.toml: Poisson arrivals, 54 a day; three
servers; exponential service, mean 60 min; FIFO): borderdrill runs the scenario file,
SimPy a plain resource model, Ciw (a queueing-network library) its own simulation. Each
is timed in CPU seconds in the same run, and, since machines here are shared and noisy,
also counted in instructions with valgrind's callgrind (each model run in a process of
its own, less the same process that builds the model and runs nothing).

Goal (issue "One plan"): borderdrill within 3x SimPy a customer.

    pip install -e '.[bench]'          # Ciw
    .venv/bin/python benchmarks/bench_mmc.py [--days 200] [--no-instructions]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy
from bench_run import callgrind

MMC = Path(__file__).parents[1] / "tests" / "scenarios" / "mmc.toml"
ARRIVALS_PER_MIN = 54 / 1440
SERVICE_MEAN_MIN = 60.0
SERVERS = 3


def borderdrill(days: float) -> Callable[[], int]:
    """A run of mmc.toml over ``days``: returns the customers it had."""
    from sim import load_scenario
    from sim.model import Simulation

    scenario = load_scenario(MMC)
    scenario = scenario.model_copy(
        update={"scenario": scenario.scenario.model_copy(update={"duration": days * 1440.0})}
    )

    def run() -> int:
        sim = Simulation(scenario)
        sim.run()
        return len(sim.incidents)

    return run


def simpy_mmc(days: float) -> Callable[[], int]:
    """SimPy's own M/M/c: a resource, a generator of customers."""

    def run() -> int:
        rng = np.random.default_rng(1)
        env = simpy.Environment()
        servers = simpy.Resource(env, capacity=SERVERS)
        served = [0]

        def customer() -> object:
            with servers.request() as turn:
                yield turn
                yield env.timeout(rng.exponential(SERVICE_MEAN_MIN))
                served[0] += 1

        def arrivals() -> object:
            while True:
                yield env.timeout(rng.exponential(1 / ARRIVALS_PER_MIN))
                env.process(customer())

        env.process(arrivals())
        env.run(until=days * 1440.0)
        return served[0]

    return run


def ciw_mmc(days: float) -> Callable[[], int]:
    """Ciw's M/M/c."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_MIN)],
        service_distributions=[ciw.dists.Exponential(rate=1 / SERVICE_MEAN_MIN)],
        number_of_servers=[SERVERS],
    )

    def run() -> int:
        ciw.seed(1)
        q = ciw.Simulation(network)
        q.simulate_until_max_time(days * 1440.0)
        return len(q.get_all_records())

    return run


MODELS = {"borderdrill": borderdrill, "simpy": simpy_mmc, "ciw": ciw_mmc}


def cpu_per_customer(make: Callable[[], int], repeats: int = 3) -> tuple[float, int]:
    """Least CPU seconds a customer over ``repeats`` runs, and the customers of a run."""
    best = float("inf")
    customers = 0
    for _ in range(repeats):
        started = time.process_time()
        customers = make()
        best = min(best, (time.process_time() - started) / max(1, customers))
    return best, customers


def instructions(model: str, days: float) -> int:
    """Instructions callgrind counts for a process that builds ``model`` and runs it for
    ``days`` (0: builds it only)."""
    return callgrind(__file__, "--only", model, "--days", str(days))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=200.0)
    parser.add_argument("--no-instructions", action="store_true")
    parser.add_argument("--only", choices=tuple(MODELS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:  # one model's run, for callgrind
        run = MODELS[args.only](args.days)
        if args.days > 0:
            run()
        return
    rows = []
    for name, make in MODELS.items():
        seconds, customers = cpu_per_customer(make(args.days))
        counted = None
        if not args.no_instructions:
            short = min(args.days, 50.0)
            built = instructions(name, 0)
            counted = (instructions(name, short) - built) / (customers * short / args.days)
        rows.append((name, seconds, customers, counted))
    simpy_seconds = rows[1][1]
    simpy_counted = rows[1][3]
    print(f"M/M/3, rho 0.75, {args.days:g} days (instructions over the first 50 days)")
    print("model          µs/customer  x SimPy   instructions/customer  x SimPy")
    for name, seconds, _, counted in rows:
        line = f"{name:<13} {seconds * 1e6:>11.1f} {seconds / simpy_seconds:>8.2f}x"
        if counted is not None and simpy_counted:
            line += f" {counted:>20,.0f} {counted / simpy_counted:>8.2f}x"
        print(line)


if __name__ == "__main__":
    main()
