"""Where the build's tasks run: Dask is the one executor, its scheduler a choice at run time.

- ``"sync"``: in this process, one task after the other (Dask's synchronous scheduler); the default
  when there is little to do (a small corpus, or a rebuild that touches one partition);
- ``"processes"``: local worker processes (Dask's multiprocessing scheduler, started with ``spawn``:
  safe inside a Jupyter kernel, and workers never inherit the caller's memory); the default on
  large work, one process per core;
- an address such as ``"tcp://host:8786"`` (or a ``distributed.Client``): any Dask distributed
  scheduler, e.g. a cluster started with ``dask scheduler`` / ``dask worker``. Its workers must
  see the raw folder and the output folder at the same paths (a shared file system).

Tasks are pure functions of their spec and the frozen reference values (one Dask key shared by every
task; local worker processes receive them as their files' digests and load them once, see
:class:`analysis.stages.References`; distributed workers receive the values once); they write their outputs themselves and return
small summaries. The same tables come out, byte for byte, whatever the scheduler.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

__all__ = ["MODES", "SMALL_WORK", "available_cores", "check_workers", "resolve_scheduler", "run_tasks"]

MODES = ("auto", "sync", "processes")
#: Below this many documents to process (or with a single task), tasks run in this process.
SMALL_WORK = 2000


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_workers(workers: object, *, say: Callable[[str], None] | None = None, name: str = "workers") -> int | None:
    """``workers`` checked and capped at the cores available (saying so when capping)."""
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`{name}` must be a whole number of processes, 1 or more; got {workers!r}")
    cores = available_cores()
    if workers > cores:
        (say or (lambda m: print(m, file=sys.stderr)))(
            f"{name}={workers} is more than the {cores} cores available; using {cores}")
        return cores
    return workers


def resolve_scheduler(scheduler: object, *, n_tasks: int, work: int, workers: int | None) -> tuple[str, object]:
    """(mode, target) for a batch of ``n_tasks`` tasks covering ``work`` documents."""
    if scheduler is None or scheduler == "auto":
        if n_tasks <= 1 or work < SMALL_WORK or (workers or available_cores()) == 1:
            return "sync", None
        return "processes", None
    if scheduler in ("sync", "synchronous"):
        return "sync", None
    if scheduler == "processes":
        return "processes", None
    if isinstance(scheduler, str) and "://" in scheduler:
        return "distributed", scheduler
    if type(scheduler).__name__ == "Client" and hasattr(scheduler, "scheduler"):
        return "distributed", scheduler
    raise ValueError(f"`scheduler` must be one of {', '.join(map(repr, MODES))}, a Dask scheduler address such as "
                     f"'tcp://host:8786', or a distributed.Client; got {scheduler!r}")


def run_tasks(func: Callable, specs: Sequence, shared, *, scheduler: object = None, workers: int | None = None,
              work: int = 0, progress: bool = False) -> list:
    """``[func(spec, shared) for spec in specs]`` as Dask tasks; results in the order of ``specs``."""
    if not specs:
        return []
    import dask
    from dask import delayed

    mode, target = resolve_scheduler(scheduler, n_tasks=len(specs), work=work, workers=workers)
    shared_d = delayed(shared, pure=False, traverse=False)  # one key: every task shares it
    # a spec is passed as it is (traverse=False): Dask would otherwise walk every list and dict in it
    # looking for collections (a partition's context lists every document), seconds per build
    tasks = [delayed(func, pure=False)(delayed(spec, pure=False, traverse=False), shared_d) for spec in specs]
    if mode == "sync":
        return list(dask.compute(*tasks, scheduler="synchronous"))
    if mode == "processes":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        n = min(workers or available_cores(), len(specs))
        # spawn: safe in a Jupyter kernel, and workers never inherit the caller's memory; a worker that
        # dies (out of memory, killed) fails the build with BrokenProcessPool instead of hanging it
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
            with _progress(progress):
                return list(dask.compute(*tasks, scheduler="processes", pool=pool, num_workers=n, chunksize=1))
    from distributed import Client

    shared_d = delayed(dict(shared) if isinstance(shared, dict) else shared, pure=False, traverse=False)
    tasks = [delayed(func, pure=False)(delayed(spec, pure=False, traverse=False), shared_d) for spec in specs]

    client = target if not isinstance(target, str) else Client(target, set_as_default=False)
    try:
        futures = client.compute(tasks)
        return client.gather(futures)
    finally:
        if isinstance(target, str):
            client.close()


class _progress:
    def __init__(self, show: bool):
        self.bar = None
        if show:
            from dask.diagnostics import ProgressBar

            self.bar = ProgressBar(out=sys.stderr)

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)
