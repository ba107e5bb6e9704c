"""Where republishing a shared block's pages spends its time: queries per page and a profile.

In this process, on the database ``DATABASE_URL`` names (SQLite in a temporary folder when
unset), without readers: a corpus of ``--pages`` pages embedding ``support-line``, version 2
published, then ``run_unfinished`` under cProfile with every query counted.

    .venv/bin/python -m bench.blocks_profile [--pages 100] [--top 25]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args(argv)
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="portal-blocks-profile-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/profile.sqlite3"
    from bench.run import base_env

    for key, value in base_env(os.environ["DATABASE_URL"]).items():
        os.environ.setdefault(key, value)
    from bench.blocks import publish_new_version, setup_corpus

    setup_corpus(pages=args.pages, sections=args.sections, progress=False)
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.blocks import services

    publish_new_version()
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profile.enable()
        done = services.run_unfinished(batch_size=args.batch_size)
        profile.disable()
        seconds = time.perf_counter() - started
    kinds = Counter(q["sql"].split()[0].upper() for q in queries.captured_queries)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue(), file=sys.stderr)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "pages": done,
                "seconds": round(seconds, 2),
                "ms_per_page": round(1000 * seconds / max(done, 1), 1),
                "queries": len(queries.captured_queries),
                "queries_per_page": round(len(queries.captured_queries) / max(done, 1), 1),
                "by_kind": dict(kinds),
            }
        )
    )


if __name__ == "__main__":
    main()
