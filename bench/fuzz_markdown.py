"""A fuzzer for the renderer: bodies built from the markdown it enables, nested and interleaved.

Each case is a body made of atoms (numbered and bulleted lists at various indents, details
blocks and their closing ///, headings, quotes, tables, blank lines and words), the shapes
that hung the renderer in issue 18. A case that the pre-check accepts is rendered under the
renderer's time budget: rendering or refusing is fine, a render the budget had to stop is a
finding (the bound held, but the pre-check let the text through and the author is refused
with a slow message), and any crash or escape of the bound fails the run.

Usage: .venv/bin/python -m bench.fuzz_markdown [--cases N] [--seed S] [--budget SECONDS]
(`make fuzz` runs 20,000 cases; the test suite runs a fixed, seeded few hundred.)
"""

import argparse
import os
import random
import time
from dataclasses import dataclass, field

INDENTS = ["", " ", "  ", "   ", "    ", "     ", "      ", "        ", "\t", "\t\t"]
WORDS = ["a", "b c", "Side effects", "x", "*a*", "[a](b)", "`c`", "1.", "-", "///", "#"]


def _atom(rng: random.Random) -> str:
    indent = rng.choice(INDENTS)
    word = rng.choice(WORDS)
    kind = rng.randrange(12)
    if kind == 0:
        return f"{indent}{rng.choice(['1', '2', '10', '999999999'])}{rng.choice('.)')} {word}"
    if kind == 1:
        return f"{indent}{rng.choice('-*+')} {word}"
    if kind == 2:
        return f"{indent}{'/' * rng.randint(3, 6)} details | {word}"
    if kind == 3:
        return f"{indent}{'/' * rng.randint(3, 6)}"
    if kind == 4:
        return f"{indent}{'#' * rng.randint(1, 6)} {word}"
    if kind == 5:
        return f"{indent}{rng.choice(['===', '---', '***'])}"
    if kind == 6:
        return f"{indent}{'> ' * rng.randint(1, 3)}{word}"
    if kind == 7:
        return f"{indent}| {word} | b |" + rng.choice(["", "\n|---|---|"])
    if kind in (8, 9):
        return ""
    return f"{indent}{word}"


def atom_body(rng: random.Random, *, max_lines: int = 40) -> str:
    """A body of atoms; sometimes a run of them repeated, as a hang needs a pattern to grow."""
    lines = [_atom(rng) for _ in range(rng.randint(1, max_lines))]
    if rng.random() < 0.5:
        start = rng.randrange(len(lines))
        piece = lines[start : start + rng.randint(1, 8)]
        lines[start:start] = piece * rng.randint(2, 12)
    return "\n".join(lines)


@dataclass
class Report:
    cases: int = 0
    refused: int = 0  # by the pre-check
    rendered: int = 0
    stopped: list[str] = field(default_factory=list)  # passed the pre-check, stopped by the clock
    slowest_seconds: float = 0.0  # of any case that reached the renderer, stopped or not
    slowest_text: str = ""


def run(*, cases: int, seed: int, max_lines: int = 40) -> Report:
    """Render ``cases`` seeded bodies through the bounded renderer; what happened to them."""
    from infopages.markdown import RenderTooSlow, find_markdown_problems, render_checked

    rng = random.Random(seed)
    report = Report()
    for _ in range(cases):
        text = atom_body(rng, max_lines=max_lines)
        report.cases += 1
        if find_markdown_problems(text):
            report.refused += 1
            continue
        start = time.perf_counter()
        try:
            render_checked(text)
            report.rendered += 1
        except RenderTooSlow:
            report.stopped.append(text)
        elapsed = time.perf_counter() - start
        if elapsed > report.slowest_seconds:
            report.slowest_seconds, report.slowest_text = elapsed, text
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--max-lines", type=int, default=40)
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    start = time.perf_counter()
    report = run(cases=args.cases, seed=args.seed, max_lines=args.max_lines)
    print(
        f"{report.cases:,} cases in {time.perf_counter() - start:.1f} s: "
        f"{report.refused:,} refused by the pre-check, {report.rendered:,} rendered, "
        f"{len(report.stopped):,} stopped at the budget; the slowest took "
        f"{report.slowest_seconds:.3f} s."
    )
    for text in report.stopped[:10]:
        print(f"stopped ({len(text)} characters): {text!r}")


if __name__ == "__main__":
    main()
