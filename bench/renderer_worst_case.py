"""The renderer's worst render time, and what the time bound costs each render.

1. Hostile constructs (tests/infopages/markdown_cases.py): for each, a body of the section
   limit; when the pre-check refuses that, also the largest body of the same construct it
   accepts. Then random bodies, the bodies issue 18 found (they pass the pre-check and never
   finish), and bodies of markdown atoms (bench/fuzz_markdown.py). Every render goes through
   the bounded renderer (a renderer process, stopped past ``MARKDOWN_RENDER_SECONDS``): the
   worst render of an accepted body, and of any body, which the budget caps.
2. The cost of the bound: each section of the seed page (demo/pages/secondary-breast-cancer.md)
   and each accepted hostile body, rendered in this process (as before the bound) and in a
   renderer process, alternately; the median and p99 of each and of the difference.

Usage: .venv/bin/python bench/renderer_worst_case.py [--random N] [--atoms N] [--rounds N]
"""

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fuzz_markdown import atom_body  # noqa: E402
from infopages import markdown as renderer  # noqa: E402
from infopages import render_pool  # noqa: E402
from infopages.markdown import MAX_SECTION_CHARACTERS, markdown_problems  # noqa: E402
from tests.infopages.found_bodies import FOUND_BODIES  # noqa: E402
from tests.infopages.markdown_cases import ADVERSARIAL, random_markdown  # noqa: E402

SEED_PAGE = ROOT / "demo" / "pages" / "secondary-breast-cancer.md"


def seed_sections() -> list[str]:
    """The bodies of the seed page's sections: what follows each '## ' after the front matter."""
    body = SEED_PAGE.read_text().split("---\n", 2)[2]
    return [part.strip("\n") for part in re.split(r"(?m)^## .*$", body)[1:]]


def timed_render(text: str) -> tuple[float, bool]:
    """Wall-clock seconds of one bounded render (nothing remembered), and whether it finished."""
    renderer._recent.clear()
    start = time.perf_counter()
    try:
        renderer.render_checked(text)
        finished = True
    except renderer.RenderTooSlow:
        finished = False
    return time.perf_counter() - start, finished


def largest_accepted(build, limit: int) -> str | None:
    """The longest body ``build`` makes (up to ``limit``) that the pre-check accepts."""
    low, high, best = 1, limit, None
    while low <= high:
        size = (low + high) // 2
        text = build(size)
        if len(text) <= limit and not markdown_problems(text):
            best, low = text, size + 1
        else:
            high = size - 1
    return best


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bound_cost(label: str, texts: list[str], rounds: int) -> None:
    """Each text rendered in this process and in a renderer process, alternately."""
    inside, bounded, added = [], [], []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            renderer.convert(text, id_prefix="s-")
            here = time.perf_counter() - start
            start = time.perf_counter()
            render_pool.render_in_budget(
                text=text, id_prefix="s-", converter=renderer.DEFAULT_CONVERTER, budget=10
            )
            there = time.perf_counter() - start
            inside.append(here)
            bounded.append(there)
            added.append(there - here)
    ms = 1000
    print(
        f"{label:44} {len(added):>6} renders   in-process median "
        f"{statistics.median(inside) * ms:7.2f} ms p99 {percentile(inside, 0.99) * ms:7.2f} ms"
        f"   bounded median {statistics.median(bounded) * ms:7.2f} ms "
        f"p99 {percentile(bounded, 0.99) * ms:7.2f} ms   added median "
        f"{statistics.median(added) * ms:6.2f} ms p99 {percentile(added, 0.99) * ms:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random bodies to render")
    parser.add_argument("--atoms", type=int, default=2_000, help="bodies of markdown atoms")
    parser.add_argument("--rounds", type=int, default=30, help="rounds of the cost measurement")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    limit = MAX_SECTION_CHARACTERS
    budget = renderer.DEFAULT_RENDER_SECONDS
    renderer.render_markdown("Warm *up*: a renderer process starts on first use.")
    worst_accepted, worst_any = (0.0, ""), (0.0, "")
    accepted_hostile: list[str] = []

    def record(seconds: float, finished: bool, name: str, text: str) -> None:
        nonlocal worst_accepted, worst_any
        worst_any = max(worst_any, (seconds, name))
        if finished and not markdown_problems(text):
            worst_accepted = max(worst_accepted, (seconds, name))

    print(f"Budget: {budget:g} s a render.\n")
    print(f"{'case':32} {'at the limit':>14} {'accepted size':>14} {'wall':>8}")
    for name, build in ADVERSARIAL.items():
        text = build(limit)[:limit]
        full, finished = timed_render(text)
        refused = bool(markdown_problems(text)) or not finished
        record(full, finished, name, text)
        accepted = text if not refused else largest_accepted(build, limit)
        seconds = 0.0
        if accepted:
            seconds, finished = timed_render(accepted)
            record(seconds, finished, name, accepted)
            if finished:
                accepted_hostile.append(accepted)
        print(
            f"{name:32} {(f'{full:.3f} s' if refused else 'accepted'):>14} "
            f"{(len(accepted) if accepted else 0):>14,} {seconds:>7.3f}s",
            flush=True,
        )
    rng = random.Random(args.seed)
    for n in range(args.random):
        text = random_markdown(rng, rng.choice([200, 2_000, 20_000, limit]))
        record(*timed_render(text), f"random #{n}", text)
    stopped = 0
    for name, text in FOUND_BODIES.items():
        seconds, finished = timed_render(text)
        stopped += not finished
        record(seconds, finished, f"found body '{name}'", text)
    for n in range(args.atoms):
        text = atom_body(rng)
        if not markdown_problems(text):
            seconds, finished = timed_render(text)
            stopped += not finished
            record(seconds, finished, f"atoms #{n}", text)
    record(*timed_render("x" * (limit * 20)), "20 times the limit", "")
    print(
        f"\n{args.random} random bodies, {len(FOUND_BODIES)} found bodies and {args.atoms:,} "
        f"bodies of atoms: {stopped} stopped at the budget."
    )
    for label, (seconds, case) in (("an accepted body", worst_accepted), ("any body", worst_any)):
        print(f"Worst render of {label + ':':17} {seconds:.3f} s wall ({case})")

    print("\nWhat the bound adds to each render (this process vs a renderer process):")
    seed = seed_sections()
    bound_cost(f"seed page ({len(seed)} sections)", seed, args.rounds)
    hostile = sorted(accepted_hostile, key=len)
    bound_cost(f"accepted hostile bodies ({len(hostile)})", hostile, max(1, args.rounds // 10))


if __name__ == "__main__":
    main()
