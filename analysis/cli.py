"""The command line: ``python -m analysis COMMAND CORPUS_DIR --out OUT_DIR``.

Each subcommand lives in ``analysis/commands/<name>.py`` and provides
``HELP``, ``add_arguments(parser)`` and ``run(corpus, params, args)``, which
returns ``{file name: DataFrame}``. This module loads the corpus, turns input
errors into one-line messages with exit status 2, and writes the frames.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
import time
from pathlib import Path

from .config import PARAMS_FILE, REPORTS_DIR, load_params
from .corpus import corpus_from_params
from .errors import InputError
from .output import staged_folder, write_frames

COMMANDS = ("overview", "themes", "topics", "redundancy", "digest")


def _command_modules() -> dict:
    mods = {}
    for name in COMMANDS:
        try:
            mods[name] = importlib.import_module(f"analysis.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"analysis.commands.{name}":
                raise
    return mods


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", nargs="?", metavar="CORPUS_DIR",
                   help="folder of .txt/.md documents (default: corpus.dir in the parameter file)")
    p.add_argument("--out", metavar="OUT_DIR", default=str(REPORTS_DIR / "data"),
                   help="folder for the CSV files, created if needed (default: %(default)s)")
    p.add_argument("--params", metavar="FILE", default=None,
                   help=f"parameter file (default: {PARAMS_FILE.name} at the project root)")


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    """The argument parser and the per-command sub-parsers."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Theme frequency, topic and redundancy analysis of a folder of text "
                    "documents. Each command writes tidy CSV files to OUT_DIR.",
        epilog="Unusable input exits with status 2 and a one-line message. "
               "Run 'python -m analysis COMMAND --help' for a command's options.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subparsers = {}
    for name, mod in _command_modules().items():
        p = sub.add_parser(name, help=mod.HELP, description=mod.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _add_common(p)
        mod.add_arguments(p)
        p.set_defaults(run=mod.run)
        subparsers[name] = p
    p = sub.add_parser("all", help="run every command above with default options",
                       description="Run " + ", ".join(subparsers) + " in turn.")
    _add_common(p)
    p.set_defaults(run=None)
    return parser, subparsers


def _argv_for(args: argparse.Namespace) -> list[str]:
    argv = ["--out", args.out]
    if args.corpus:
        argv.insert(0, args.corpus)
    if args.params:
        argv += ["--params", args.params]
    return argv


def _run_stage(job, corpus, params, out: Path) -> list[Path]:
    """Run one command, write its tables into `out`, and print a one-line summary with its time."""
    t0 = time.perf_counter()
    frames = job.run(corpus, params, job)
    written = write_frames(frames, out)
    stage = job.run.__module__.rsplit(".", 1)[-1]
    rows = sum(len(f) for f in frames.values() if not isinstance(f, str))
    print(f"{stage}: {len(frames)} tables, {rows:,} rows, {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser, subparsers = build_parser()
    args = parser.parse_args(argv)
    previous = _stop_on_sigterm()
    try:
        params = load_params(args.params)
        corpus = corpus_from_params(params, args.corpus)
        # The parse lives as long as this process: the garbage collector need not walk its
        # millions of objects again, and forked helpers then share its pages instead of
        # copying them when a collection touches them (with the pause while loading, 3-9 s
        # per command at 5,000 documents).
        gc.freeze()
        for w in corpus.warnings:
            print(f"warning: {w}", file=sys.stderr)
        out = Path(args.out)
        if args.command == "all":
            jobs = [subparsers[n].parse_args(_argv_for(args)) for n in subparsers]
            # Every command runs with its default options, so the digest reuses the themes,
            # topics and redundancy the commands before it fitted instead of fitting them again.
            shared = {}
            for job in jobs:
                job.shared = shared
            # Every table or none: a failing command leaves the previous folder as it was.
            written = []
            with staged_folder(out) as tmp:
                for job in jobs:
                    written += _run_stage(job, corpus, params, tmp)
            for path in written:
                print(out / path.name)
        else:
            for path in _run_stage(args, corpus, params, out):   # computed in full, then written
                print(path)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        print(f"interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return 128 + signum
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_on_sigterm():
    """Turn SIGTERM into KeyboardInterrupt (so temporary tables are removed); main thread only."""
    def handler(signum, frame):
        raise KeyboardInterrupt(signum)
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None
