"""How Python's cyclic garbage collector runs in a process that builds up objects which live
until it ends: Snakemake planning the jobs, and a PDF render laying out a document.

Python 3.11 scans every old object again at each full collection, dozens of times while such
objects accumulate, for garbage that is almost never among them. Freezing what exists and making
full collections rare leaves them alone; young objects are collected as before, so cyclic
garbage is still freed. No heavy import here: the render process reads this module too.
"""

from __future__ import annotations

import gc

COLLECTOR_THRESHOLDS = gc.get_threshold()
"""The thresholds of Python's cyclic garbage collector as this process started with them."""


def long_lived_collector() -> None:
    """What exists now (the modules, the settings) is left alone, and the oldest objects are scanned rarely.

    From the Snakefile, before Snakemake plans the jobs: planning makes objects that live until
    Snakemake ends (the jobs, their files, the graph), a few thousand a report, a cost that grew
    with the square of the reports, 0.5 to 0.9 s of a 2.7 to 3.3 s no-op rebuild of 300 reports
    (measured 1 December 2026). From `python -m briefing pdf`, before the layout: WeasyPrint's
    boxes and pages live until the PDF is written, and the full collections among them took 0.6
    to 1 s of a 4.5 s render of the June 2020 briefing, for 3 MB more at its peak (183 to 187 MB).
    """
    gc.freeze()
    gc.set_threshold(COLLECTOR_THRESHOLDS[0], COLLECTOR_THRESHOLDS[1], 1000)


def running_collector() -> None:
    """From the Snakefile's onstart, before the jobs run: the plan is left alone too, and the
    collector is back at Python's thresholds for the garbage the stages make in this process.

    Cyclic garbage that planning left and no young collection freed is left alone with the plan,
    until the process ends (a no-op rebuild of 300 reports peaks at 224 MB either way)."""
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def collector_restored() -> None:
    """For a process that runs Snakemake in itself again and again (the preview, the tests'
    batches): what a run left alone can be collected once it is garbage."""
    gc.unfreeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
