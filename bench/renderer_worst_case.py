"""The renderer's worst render time, for bodies the section validator accepts and for any body.

For each hostile construct (tests/infopages/markdown_cases.py) it renders a body of the
section limit; when the validator refuses that, it also renders the largest body of the same
construct that it accepts. Then it renders a random sample of accepted bodies. It prints the
slowest of each, so the number can be quoted.

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


def timed_render(text: str) -> float:
    start = time.perf_counter()
    render_markdown(text)
    return time.perf_counter() - start


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
    worst_accepted = (0.0, "")
    worst_any = (0.0, "")
    print(f"{'case':32} {'refused at limit':>18} {'accepted size':>14} {'accepted':>9}")
    for name, build in ADVERSARIAL.items():
        text = build(limit)[:limit]
        refused_time = timed_render(text)
        refused = bool(markdown_problems(text))
        worst_any = max(worst_any, (refused_time, name))
        accepted = text if not refused else largest_accepted(build, limit)
        accepted_time = timed_render(accepted) if accepted else 0.0
        if accepted:
            worst_accepted = max(worst_accepted, (accepted_time, name))
        print(
            f"{name:32} {(f'{refused_time:.3f} s' if refused else 'accepted'):>18} "
            f"{(len(accepted) if accepted else 0):>14,} {accepted_time:>8.3f}s",
            flush=True,
        )
    rng = random.Random(args.seed)
    sampled = 0
    for n in range(args.random):
        text = random_markdown(rng, rng.choice([200, 2_000, 20_000, limit]))
        elapsed = timed_render(text)
        worst_any = max(worst_any, (elapsed, f"random #{n}"))
        if not markdown_problems(text):
            sampled += 1
            worst_accepted = max(worst_accepted, (elapsed, f"random #{n}"))
    over = "x" * (limit * 20)
    worst_any = max(worst_any, (timed_render(over), "20 times the limit"))
    print(f"\n{sampled} of {args.random} random bodies were accepted by the validator.")
    print(f"Worst render of an accepted body: {worst_accepted[0]:.3f} s ({worst_accepted[1]})")
    print(f"Worst render of any body:         {worst_any[0]:.3f} s ({worst_any[1]})")


if __name__ == "__main__":
    main()
