"""The ``ketenlens`` command line: a thin layer over the library.

Exit codes follow the contract in ``shared/spec/interfaces.md``: 0 done, 2 wrong
usage, 3 bad input (one line on stderr), 4 internal error (one line plus where
the full trace was written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from analyzer import __version__
from analyzer.errors import EXIT_INTERNAL, EXIT_OK, KetenlensError
from analyzer.ingest import Limits

PROG = "ketenlens"


class _Parser(argparse.ArgumentParser):
    """argparse with the examples kept verbatim in --help."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Read supplier due-diligence documents (ISV) and find the gaps.",
        epilog="example:\n  ketenlens parse examples/nl_workwear_risicoanalyse.pdf --format text",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    parse = commands.add_parser(
        "parse",
        help="split a document into passages with page, box, language and heading",
        description="Read a PDF (text layer, or OCR when there is none), DOCX, TXT, MD or HTML file\n"
        "and write its passages.",
        epilog="examples:\n"
        "  ketenlens parse report.pdf > passages.json\n"
        "  ketenlens parse plan.docx --format text\n"
        "  ketenlens parse scan.pdf --output scan.json --max-seconds 600",
    )
    parse.add_argument("file", metavar="FILE", help="the document to read")
    parse.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
    parse.add_argument("--output", metavar="PATH", help="write to PATH instead of standard output")
    _add_limit_options(parse)
    parse.set_defaults(handler=_cmd_parse)
    return parser


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    group = parser.add_argument_group("limits (protect against huge or hostile files)")
    group.add_argument("--max-bytes", type=_positive_int, default=defaults.max_bytes, metavar="N",
                       help=f"largest file accepted (default: {defaults.max_bytes})")
    group.add_argument("--max-pages", type=_positive_int, default=defaults.max_pages, metavar="N",
                       help=f"most pages accepted (default: {defaults.max_pages})")
    group.add_argument("--max-seconds", type=_positive_float, default=defaults.max_seconds, metavar="S",
                       help=f"time allowed to read one document (default: {defaults.max_seconds:g})")


def _limits(args) -> Limits:
    return Limits(max_bytes=args.max_bytes, max_pages=args.max_pages, max_seconds=args.max_seconds)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be greater than 0")
    return number


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be greater than 0")
    return number


def _cmd_parse(args) -> int:
    from analyzer.pipeline import parse

    document = parse(args.file, _limits(args))
    if args.format == "json":
        payload = json.dumps(document.to_dict(), ensure_ascii=False, indent=1) + "\n"
    else:
        payload = render_text(document)
    write_output(payload, args.output)
    for warning in document.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def render_text(document) -> str:
    lines = [
        f"# {document.source}: {document.pages} page(s), language {document.language}"
        + (", OCR" if document.ocr else "")
        + f", {len(document.passages)} passages"
    ]
    heading = object()
    for passage in document.passages:
        if passage.heading != heading and passage.kind != "heading":
            heading = passage.heading
        lines.append(f"p{passage.page} [{passage.lang}] {passage.kind:<10} {passage.text}")
    return "\n".join(lines) + "\n"


def write_output(payload: str, output: str | None) -> None:
    """Write to stdout, or atomically to a file so a failed run never leaves half a file."""
    if not output or output == "-":
        sys.stdout.write(payload)
        return
    target = Path(output)
    if target.is_dir():
        raise KetenlensError(f"--output {output} is a folder; give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on wrong usage
    try:
        return args.handler(args)
    except KetenlensError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: keep the trace for the report, show one line
        trace_path = Path(tempfile.gettempdir()) / f"ketenlens-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        trace_path.write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"{PROG}: internal error: {type(exc).__name__}: {exc} (full trace in {trace_path}; please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
