"""The renderer's worst render time, for bodies the section validator accepts and for any body.

For each hostile construct (tests/infopages/markdown_cases.py) it renders a body of the
section limit; when the validator refuses that, it also renders the largest body of the same
construct that it accepts. Then it renders a random sample of accepted bodies. It prints the
slowest of each, so the number can be quoted: wall-clock time, and the CPU time the render
used, which is what to compare on a machine that other work keeps busy.

Usage: .venv/bin/python bench/renderer_worst_case.py [--random N] [--seed S]
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infopages.markdown import MAX_SECTION_CHARACTERS, markdown_problems, render_markdown  # noqa: E402
from tests.infopages.markdown_cases import ADVERSARIAL, random_markdown  # noqa: E402


def timed_render(text: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one render."""
    wall, cpu = time.perf_counter(), time.process_time()
    render_markdown(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def largest_accepted(build, limit: int) -> str | None:
    """The longest body ``build`` makes (up to ``limit``) that the validator accepts."""
    low, high, best = 1, limit, None
    while low <= high:
        size = (low + high) // 2
        text = build(size)
        if len(text) <= limit and not markdown_problems(text):
            best, low = text, size + 1
        else:
            high = size - 1
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random bodies to render")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    limit = MAX_SECTION_CHARACTERS
    render_markdown("Warm *up*: the [extensions](https://example.org) load on first use.")
    worst_accepted = {"wall": (0.0, ""), "CPU": (0.0, "")}
    worst_any = {"wall": (0.0, ""), "CPU": (0.0, "")}

    def record(worst: dict, times: tuple[float, float], name: str) -> None:
        for kind, seconds in zip(("wall", "CPU"), times, strict=True):
            worst[kind] = max(worst[kind], (seconds, name))

    print(f"{'case':32} {'refused at limit':>17} {'accepted size':>14} {'wall':>7} {'CPU':>7}")
    for name, build in ADVERSARIAL.items():
        text = build(limit)[:limit]
        full = timed_render(text)
        refused = bool(markdown_problems(text))
        record(worst_any, full, name)
        accepted = text if not refused else largest_accepted(build, limit)
        times = timed_render(accepted) if accepted else (0.0, 0.0)
        if accepted:
            record(worst_accepted, times, name)
        print(
            f"{name:32} {(f'{full[0]:.3f} s' if refused else 'accepted'):>17} "
            f"{(len(accepted) if accepted else 0):>14,} {times[0]:>6.3f}s {times[1]:>6.3f}s",
            flush=True,
        )
    rng = random.Random(args.seed)
    sampled = 0
    for n in range(args.random):
        text = random_markdown(rng, rng.choice([200, 2_000, 20_000, limit]))
        times = timed_render(text)
        record(worst_any, times, f"random #{n}")
        if not markdown_problems(text):
            sampled += 1
            record(worst_accepted, times, f"random #{n}")
    record(worst_any, timed_render("x" * (limit * 20)), "20 times the limit")
    print(f"\n{sampled} of {args.random} random bodies were accepted by the validator.")
    for label, worst in (("an accepted body", worst_accepted), ("any body", worst_any)):
        (wall, wall_case), (cpu, cpu_case) = worst["wall"], worst["CPU"]
        print(
            f"Worst render of {label + ':':17} {wall:.3f} s wall ({wall_case}), "
            f"{cpu:.3f} s CPU ({cpu_case})"
        )


if __name__ == "__main__":
    main()
