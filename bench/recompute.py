"""The costing rebuilt from the whole ledger (what a change of method and `manage.py
recompute_costs` run), timed over the benchmark's movements, then the value checks."""

import importlib
import time
import traceback
from collections.abc import Callable

MODULE = "inventory.services.recompute"
NAMES = ("replay_costs", "recompute_costs")  # the replay function, by the first name it has


def find() -> Callable[[], object] | None:
    """The app's replay function, or None while the app has none."""
    try:
        module = importlib.import_module(MODULE)
    except ModuleNotFoundError as error:
        if error.name != MODULE:
            raise
        return None
    return next((getattr(module, name) for name in NAMES if callable(getattr(module, name, None))), None)


def measure(goal_seconds: float) -> list[str]:
    """Time the replay; return the failures (an error, values that do not add up)."""
    from bench.preload import check_ledger, check_values
    from inventory.models import StockMove

    replay = find()
    if replay is None:
        print(f"recompute: not available (no {' or '.join(NAMES)} in {MODULE})")
        return []
    moves = StockMove.objects.count()
    start = time.perf_counter()
    try:
        replay()
    except Exception:
        print("recompute failed:\n" + traceback.format_exc())
        return ["recompute: raised"]
    seconds = time.perf_counter() - start
    rate = moves / seconds if seconds else 0.0
    million = 1_000_000 / rate if rate else float("inf")
    how = "measured" if moves >= 1_000_000 else f"extrapolated from {moves:,} at the same rate"
    print(f"recompute: {moves:,} movements in {seconds:.1f} s, {rate:,.0f} movements/s")
    print(
        f"goal: 1,000,000 movements under {goal_seconds:.0f} s: {'MET' if million < goal_seconds else 'NOT MET'} "
        f"({million:.0f} s, {how})"
    )
    failures = [f"ledger after the recompute: {d}" for d in check_ledger()]
    # Every movement has a value now, those of the runs without costing and in bare SQL too.
    failures += [f"values after the recompute: {d}" for d in check_values(quantities=True)]
    print("ledger and value checks after the recompute:", "OK" if not failures else "DRIFT " + "; ".join(failures))
    return failures
