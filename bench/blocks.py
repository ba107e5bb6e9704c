"""Republishing the pages that embed one shared block, while readers are served (issue 21).

For each database: a corpus of ``--pages`` live pages (``bench.corpus``) whose first section
embeds the block ``support-line`` (version 1), gunicorn serving them (2 sync workers, the
production settings, no shared page cache: each worker keeps the pages it served in its
memory and drops them as the log of public changes names them), and readers
fetching random pages in ``--readers`` threads for the whole run. Then version 2 of the block
is published and every page republished with it, by the service the ``republish_blocks``
command runs (batches of ``--batch-size``, groups of 20 pages a transaction). Reported: the
pages republished, total seconds, pages per second, the readers' requests during the run
(how many, errors, p50 and p99 latency), and, once the freshness bound has passed, how many
of the last page and 50 others sampled still show the old text (none should).

Where the time goes, in this process without readers: ``python -m bench.blocks_profile``.

    .venv/bin/python -m bench.blocks [--pages 2000] [--sections 10]
        [--databases sqlite,postgresql] [--output bench/blocks_results.json]

PostgreSQL at ``BENCH_POSTGRES`` (default postgres://postgres@127.0.0.1:5432), in a database
named ``BENCH_DB_PREFIX``_blocks (default portal_bench_blocks), created and dropped here.
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


NEW_HOURS = "Every day, 8am to 8pm"


def setup_corpus(*, pages: int, sections: int, progress: bool = True) -> dict:
    """Django set up on the database ``DATABASE_URL`` names, migrated, with the block
    ``support-line`` (version 1) and ``pages`` live pages embedding it."""
    from bench.corpus import build, setup

    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from infopages.models import Block, Page, Section, Topic
    from infopages.publishing import content_from_working_copy, publish_content
    from infopages.services import save_with_version

    root = Topic.objects.create(name="Shared blocks", slug="shared-blocks")
    carrier = save_with_version(
        Page(slug="shared-block-support-line", title="Support line", summary="Bench", topic=root),
        by=None,
        comment="Bench",
    ).obj
    values = {"phone": "0808 157 0192", "hours": "Monday to Friday, 9am to 5pm"}
    for position, (key, value) in enumerate(values.items()):
        save_with_version(
            Section(page=carrier, position=position, heading=key, anchor=key, body=value),
            by=None,
            comment="Bench",
        )
    Block.objects.create(name="support-line", kind="support_line", page=carrier)
    publish_content(page=carrier, content=content_from_working_copy(carrier), review=_review())
    return build(pages=pages, sections=sections, block="support-line", progress=progress)


def _review():
    from infopages.publishing import ReviewRecord

    return ReviewRecord(kind="full_review", reviewed_on=None, next_review_on=None)


def publish_new_version():
    """Version 2 of ``support-line`` (new opening hours) and its republication run, as
    publishing the block's change starts it; returns the run."""
    from django.utils import timezone

    from infopages.models import Block, PublishedPage, Section
    from infopages.publishing import content_from_working_copy, publish_content
    from infopages.services import save_with_version
    from reviews.blocks.models import BlockRepublication

    block = Block.objects.get(name="support-line")
    section = Section.objects.get(page=block.page, anchor="hours")
    section.body = NEW_HOURS
    save_with_version(section, by=None, comment="Bench: new hours")
    publish_content(
        page=block.page, content=content_from_working_copy(block.page), review=_review()
    )
    version = block.publications.order_by("-number").first()
    total = PublishedPage.objects.current().filter(blocks__block=block).count()
    return BlockRepublication.objects.create(
        block_publication=version, started_at=timezone.now(), total=total
    )


def _inner(args) -> dict:
    """Runs in a process whose environment names the database (``base_env``)."""
    corpus = setup_corpus(pages=args.pages, sections=args.sections)
    from django.db import connection

    from bench.run import gunicorn
    from reviews.blocks import services

    connection.close()  # the servers open their own
    env = dict(os.environ)
    slugs = [f"bench-page-{n:05d}" for n in range(args.pages)]
    latencies, errors, stop = [], [], threading.Event()

    def reader(base: str, seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{base}/info/{rng.choice(slugs)}/", timeout=30) as r:
                    r.read()
                latencies.append(time.perf_counter() - started)
            except (urllib.error.URLError, OSError) as error:
                errors.append(str(error))

    with gunicorn(env, args.port) as base:
        threads = [
            threading.Thread(target=reader, args=(base, n), daemon=True)
            for n in range(args.readers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # readers warm up the workers first
        before = len(latencies)
        print(f"readers: {before} requests, {len(errors)} errors", file=sys.stderr)
        started = time.perf_counter()
        run = publish_new_version()
        done = services.run_unfinished(batch_size=args.batch_size)
        seconds = time.perf_counter() - started
        print(f"republished {done} in {seconds:.1f}s", file=sys.stderr)
        during = latencies[before:]
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
        # Each worker may serve a page from its memory until it reads the log of public
        # changes again (at most PUBLIC_FRESHNESS_SECONDS, 1 s): readers see the new text
        # within that bound. Then the last page and a sample of the others are checked.
        time.sleep(1.5)
        checked = [slugs[-1], *random.Random(7).sample(slugs, min(50, len(slugs)))]
        stale = [
            slug
            for slug in checked
            if NEW_HOURS
            not in urllib.request.urlopen(f"{base}/info/{slug}/", timeout=30).read().decode()
        ]
    run.refresh_from_db()
    ordered = sorted(during)
    return {
        "pages": args.pages,
        "sections_per_page": args.sections,
        "corpus_seconds": corpus["seconds"],
        "republished": done,
        "run_finished": run.is_finished,
        "seconds": round(seconds, 1),
        "pages_per_second": round(done / seconds, 1),
        "pages_checked_after_freshness_bound": len(checked),
        "pages_checked_showing_old_text": len(stale),
        "readers": args.readers,
        "reader_requests": len(during),
        "reader_errors": len(errors),
        "reader_p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "reader_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1)
        if ordered
        else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8330)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--output", default=str(ROOT / "bench" / "blocks_results.json"))
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        print(json.dumps(_inner(args)))
        return
    from bench.run import base_env, database, run

    prefix = os.environ.get("BENCH_DB_PREFIX", "portal_bench")
    results = {}
    for kind in args.databases.split(","):
        with database(kind, f"{prefix}_blocks") as url:
            argv_inner = [
                "--inner",
                f"--pages={args.pages}",
                f"--sections={args.sections}",
                f"--batch-size={args.batch_size}",
                f"--readers={args.readers}",
                f"--port={args.port}",
            ]
            out = run([PYTHON, "-m", "bench.blocks", *argv_inner], base_env(url))
            results[kind] = json.loads(out.strip().splitlines()[-1])
            print(kind, json.dumps(results[kind]), flush=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
