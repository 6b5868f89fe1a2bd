"""Command line that the Snakefile's rules call: one sub-command per pipeline stage.

Every stage reads files and writes files. Bad data ends with one line per problem on
stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import yaml

from briefing import changes, charts, context, pdf, provenance, render, verify
from briefing.load import LINE, DataError, Problem, check_citations, csv_text, decode, load_table, untyped
from briefing.schema import NARRATIVE_PARTS, OPTIONAL_NARRATIVE_PARTS, TABLES


def write_text(path: Path, text: str) -> None:
    """Write through a temporary file so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def cmd_validate(args) -> None:
    archive = Path(args.archive) if args.archive else None
    if archive is not None and not archive.is_dir():
        raise DataError(
            [Problem("config.yaml", None, None, f"source_archive: {str(archive)!r} is not a directory; fix it or remove the setting")]
        )
    frame = load_table(Path(args.data), args.table, archive)
    write_text(Path(args.out), provenance.dumps(frame.drop(columns=LINE).to_dict("records")))


def narrative_paths(folder: Path) -> dict[str, Path]:
    """The report's Markdown files by part: the required ones, and the optional ones present."""
    parts = [*NARRATIVE_PARTS, *(p for p in OPTIONAL_NARRATIVE_PARTS if (folder / f"{p}.md").is_file())]
    return {part.replace("-", "_"): folder / f"{part}.md" for part in parts}


def cmd_context(args) -> None:
    report = json.loads(args.report)
    tables = context.read_tables({t.name: Path(args.dataset) / f"{t.name}.json" for t in TABLES})
    paths = narrative_paths(Path(report["narrative"]))
    narrative = {part: decode(path.read_bytes()) for part, path in paths.items()}
    built = context.build_context(tables, report, narrative, args.issuer)
    citable = {s["id"] for s in built["sources"]}
    problems = [p for part, path in paths.items() for p in check_citations(narrative[part], str(path), citable)]
    if problems:
        raise DataError(problems)
    write_text(Path(args.out), provenance.dumps(built))


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cmd_changes(args) -> None:
    previous = read_json(args.previous) if args.previous else None
    write_text(Path(args.out), provenance.dumps(changes.edition_changes(previous, read_json(args.context))))


def cmd_timeline(args) -> None:
    tables = context.read_tables({name: Path(args.dataset) / f"{name}.json" for name in ("events", "sources")})
    as_of = dt.date.fromisoformat(args.as_of)
    events = context.events_as_of(tables["events"], set(context.sources_as_of(tables["sources"], as_of)["id"]), as_of)
    title = f"Timeline of events to {context.display_date(args.as_of)}, by escalation score"
    write_text(Path(args.out), charts.timeline_svg(events, as_of, title))


def cmd_calibration(args) -> None:
    write_text(Path(args.out), charts.calibration_svg(read_json(args.context)["ledger"]["calibration"]))


def cmd_html(args) -> None:
    manifest = Path(args.manifest).read_text(encoding="utf-8")
    data = read_json(args.context) | {"changes": read_json(args.changes), "manifest_digest": provenance.digest(manifest)}
    figures = {name: Path(path).read_text(encoding="utf-8") for name, path in (figure.split("=", 1) for figure in args.figure)}
    write_text(Path(args.out), render.render(Path(args.templates), args.template, data, figures))


def cmd_attachments(args) -> None:
    """The report's own inputs, to travel inside its PDF: data as of its date, narrative, settings."""
    reports = [json.loads(r) for r in (args.previous, args.report) if r]
    tables = context.read_tables({t.name: Path(args.dataset) / f"{t.name}.json" for t in TABLES})
    view = context.edition_view(tables, dt.date.fromisoformat(reports[-1]["as_of"]))
    out = Path(args.out)
    for table in TABLES:
        write_text(out / "data" / table.filename, csv_text(untyped(view[table.name], table)))
    for report in reports:
        for _part, path in narrative_paths(Path(report["narrative"])).items():
            write_text(out / "narrative" / report["id"] / path.name, decode(path.read_bytes()))
    settings = {
        "issuer": args.issuer,
        "source_archive": "",
        "reports": [r | {"narrative": f"narrative/{r['id']}"} for r in reports],
    }
    write_text(out / "config.yaml", yaml.safe_dump(settings, sort_keys=True, allow_unicode=True))


def cmd_manifest(args) -> None:
    report = json.loads(args.report)
    folder = Path(args.attachments)
    inputs = provenance.carried_files(folder) | {f"pipeline/{p}": Path(p) for p in args.pipeline_file}
    made = provenance.manifest(report, inputs, provenance.package_versions(), args.commit or None)
    write_text(Path(args.out), provenance.dumps(made))


def cmd_pdf(args) -> None:
    attachments = {}
    if args.attach:
        folder = Path(args.attach)
        attachments = {name: path.read_bytes() for name, path in provenance.carried_files(folder).items()}
    if args.manifest:
        attachments["manifest.json"] = Path(args.manifest).read_bytes()
    pdf.write_pdf(
        Path(args.html).read_text(encoding="utf-8"),
        Path(args.out),
        stylesheets=[Path(s) for s in args.stylesheet],
        roots=[Path(r) for r in args.allow],
        epoch=provenance.epoch(args.as_of),
        pages=args.pages,
        variant=args.variant,
        attachments=attachments,
    )


def cmd_verify(args) -> None:
    ok, lines = verify.verify(Path(args.pdf), Path(args.project))
    for line in lines:
        print(line)
    if not ok:
        raise SystemExit(1)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m briefing", description=__doc__)
    steps = top.add_subparsers(dest="step", required=True)

    p = steps.add_parser("validate", help="check one table of data/ and write it typed")
    p.add_argument("--data", required=True)
    p.add_argument("--table", required=True, choices=[t.name for t in TABLES])
    p.add_argument("--archive", default="", help="directory of archived source texts for the quote check")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_validate)

    p = steps.add_parser("context", help="what one report shows")
    p.add_argument("--dataset", required=True)
    p.add_argument("--report", required=True, help="the report's settings from config, as JSON")
    p.add_argument("--issuer", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_context)

    p = steps.add_parser("changes", help="what changed since the previous edition of a series")
    p.add_argument("--context", required=True)
    p.add_argument("--previous", default="", help="the previous edition's context; empty for a first edition")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_changes)

    p = steps.add_parser("timeline", help="the timeline figure")
    p.add_argument("--dataset", required=True)
    p.add_argument("--as-of", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_timeline)

    p = steps.add_parser("calibration", help="the calibration figure of scored forecasts")
    p.add_argument("--context", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_calibration)

    p = steps.add_parser("html", help="render a template")
    p.add_argument("--context", required=True)
    p.add_argument("--changes", required=True)
    p.add_argument("--manifest", required=True, help="the build manifest, whose digest the colophon prints")
    p.add_argument("--figure", action="append", default=[], help="NAME=FILE of an SVG figure the template shows")
    p.add_argument("--templates", required=True)
    p.add_argument("--template", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_html)

    p = steps.add_parser("attachments", help="the data, narrative and settings a report's PDF carries")
    p.add_argument("--dataset", required=True)
    p.add_argument("--report", required=True, help="the report's settings, as JSON")
    p.add_argument("--previous", default="", help="the previous edition's settings, as JSON, if any")
    p.add_argument("--issuer", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_attachments)

    p = steps.add_parser("manifest", help="the build manifest: inputs' SHA-256, versions, commit")
    p.add_argument("--report", required=True)
    p.add_argument("--attachments", required=True)
    p.add_argument("--pipeline-file", nargs="*", default=[])
    p.add_argument("--commit", default="")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_manifest)

    p = steps.add_parser("verify", help="rebuild a PDF from the data it carries and compare the bytes")
    p.add_argument("pdf")
    p.add_argument("--project", default=".", help="the checkout whose pipeline rebuilds it (and whose data/ it is compared with)")
    p.set_defaults(run=cmd_verify)

    p = steps.add_parser("pdf", help="typeset HTML as PDF")
    p.add_argument("--variant", default=None, help="a WeasyPrint PDF variant, e.g. pdf/a-3a")
    p.add_argument("--attach", default="", help="a folder whose files the PDF carries as attachments")
    p.add_argument("--manifest", default="", help="the build manifest, attached as manifest.json")
    p.add_argument("--html", required=True)
    p.add_argument("--stylesheet", action="append", default=[])
    p.add_argument("--allow", action="append", required=True, help="directory the renderer may read (first is the base URL)")
    p.add_argument("--as-of", required=True, help="the report's date, which fixes SOURCE_DATE_EPOCH")
    p.add_argument("--pages", type=int, help="exact page count required")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_pdf)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except DataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found; fix {'them' if count != 1 else 'it'} and run again. Nothing in reports/ was changed.",
            file=sys.stderr,
        )
        return 1
    except pdf.RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
