"""Tools for the analyst beside the build, which `make` (or `snakemake`) runs.

Run `python -m briefing <command> --help` for a command's options. Problems end with a
message and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def cmd_pdf(args) -> int:
    from briefing import pdf, provenance
    from briefing.collector import long_lived_collector

    long_lived_collector()  # WeasyPrint's boxes and pages live until the PDF is written (briefing/collector.py)
    attachments = {name: path.read_bytes() for name, path in provenance.carried(list(map(Path, args.carry))).items()}
    try:
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
    except pdf.RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_preview(args) -> int:
    from briefing import preview

    return preview.serve(args.report, host=args.host, port=args.port)


def cmd_verify(args) -> int:
    from briefing import verify
    from briefing.problems import DataError

    try:
        trust = Path(args.trust).read_bytes() if args.trust else None
    except OSError as error:
        print(f"error: cannot read the trust roots {verify.printable(args.trust)}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        ok, lines = verify.verify(Path(args.pdf), Path(args.project), trust)
    except verify.Refused as refusal:
        print(f"error: cannot verify {verify.printable(args.pdf)}: {refusal}", file=sys.stderr)
        return 1
    except DataError as error:
        print(error.report(), file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0 if ok else 1


def cmd_sign(args) -> int:
    import os

    from briefing import sign

    try:
        sign.write_signed(Path(args.pdf), Path(args.out), os.environ)
    except sign.SigningError as error:
        print(f"error: cannot sign {sign.printable(args.pdf)}: {error}", file=sys.stderr)
        return 1
    print(f"signed {args.pdf} as {args.out}")
    return 0


def cmd_synth(args) -> int:
    from briefing import synth

    if args.reports is None:
        synth.write_project_data(synth.synthetic_tables(args.scale, args.seed), Path(args.out))
        return 0
    if args.reports < 1:
        print(f"error: --reports {args.reports}: give 1 or more reports", file=sys.stderr)
        return 2
    reports = synth.synthetic_reports(args.reports)
    tables = synth.synthetic_tables(args.scale, args.seed, tuple(r["id"] for r in reports))
    synth.write_project_data(tables, Path(args.out), reports)
    return 0


def cmd_docs(args) -> int:
    from briefing import docs, schema

    readme = Path(args.readme)
    text = readme.read_text(encoding="utf-8")
    try:
        written = docs.readme_with(text, docs.data_model(schema.DESCRIPTOR))
    except ValueError as error:
        print(f"error: {readme}: {error}", file=sys.stderr)
        return 1
    if written == text:
        print(f"{readme}: the data model is up to date")
    else:
        readme.write_text(written, encoding="utf-8")
        print(f"{readme}: the data model is written anew from {schema.DESCRIPTOR_PATH.name}")
    return 0


def cmd_migrate(args) -> int:
    from briefing import migrate
    from briefing.config import read_yaml
    from briefing.problems import DataError

    project = Path(args.project)
    settings = project / "config.yaml"
    try:
        config = read_yaml(settings.read_text(encoding="utf-8"), str(settings)) if settings.is_file() else {}
    except DataError as error:
        print(error.report(), file=sys.stderr)
        return 1
    reports = config.get("reports", []) if isinstance(config, dict) else []
    changed = migrate.migrate(project, reports if isinstance(reports, list) else [])
    for line in changed:
        print(line)
    print(
        "the data was already up to date" if not changed else "run `make` to see what is left for you to fill in, by file, line and column"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m briefing", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Each command imports only what it uses: `pdf` runs once a document, and should not pay for pandas.
    steps = top.add_subparsers(dest="step", required=True, metavar="command")

    p = steps.add_parser(
        "preview",
        help="see one report's HTML in the browser, rebuilt each time you save",
        description="Serve one report's HTML on this machine, and rebuild and reload it each time a file in data/, its "
        "narrative, templates/ or config.yaml is saved. Problems with the data show at the top of the page, above the "
        "last build that worked. The P key or the page's button renders the PDF. Run from the project folder.",
    )
    p.add_argument("report", help="the report's id in config.yaml, e.g. korea-2020-06")
    p.add_argument("--port", type=int, default=8000, help="the port to serve on (default: 8000; 0 picks a free one)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to serve on (default: 127.0.0.1, this machine only; 0.0.0.0 would show your data to the network)",
    )
    p.set_defaults(run=cmd_preview)

    p = steps.add_parser(
        "verify",
        help="check that a distributed PDF rebuilds, byte for byte, from the data it carries",
        description="Rebuild a briefing PDF from the data, narrative and settings it carries, with this checkout's "
        "pipeline, and compare the bytes; report whether it is signed, and by whom. Nothing in the PDF is run.",
    )
    p.add_argument("pdf", help="the PDF to check (a briefing.pdf or its signed copy)")
    p.add_argument("--project", default=".", help="the checkout whose pipeline rebuilds it (default: this folder)")
    p.add_argument("--trust", help="a file of PEM or DER certificates of the signers to trust: a signature by anyone else fails")
    p.set_defaults(run=cmd_verify)

    p = steps.add_parser(
        "sign",
        help="sign a PDF for distribution (PAdES), with a key and certificate named in the environment",
        description="Sign a PDF (PAdES baseline B-B, an incremental update: the PDF's bytes stay an exact prefix) with the key and "
        "certificate in the files named by BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT; optionally "
        "BRIEFING_SIGNING_KEY_PASSPHRASE_FILE (a file holding the key's passphrase) and BRIEFING_SIGNING_CHAIN "
        "(intermediate certificates to embed).",
    )
    p.add_argument("pdf", help="the PDF to sign (reports/<id>/briefing.pdf)")
    p.add_argument("--out", required=True, help="the signed copy (never the same file: the unsigned build stays as built)")
    p.set_defaults(run=cmd_sign)

    p = steps.add_parser(
        "synth",
        help="make synthetic data of any size, to try the pipeline at scale",
        description="Write a synthetic project (data/, its narrative and config.yaml) of any size. Build it with "
        "`snakemake --directory <out>`.",
    )
    p.add_argument("--scale", type=int, required=True, help="1 is about a real crisis file (100 events); N is N times that")
    p.add_argument("--seed", type=int, default=0, help="the same scale and seed give the same bytes (default: 0)")
    p.add_argument("--out", required=True, help="folder to write data/ and config.yaml into")
    p.add_argument(
        "--reports",
        type=int,
        help="configure this many reports over the one dataset: monthly editions, twelve to a series, series by region "
        "and audience, each with its own narrative (default: the one synthetic report, with its annex)",
    )
    p.set_defaults(run=cmd_synth)

    p = steps.add_parser(
        "migrate",
        help="upgrade data/ written for an earlier version of briefing to this version's data model",
        description="Upgrade the project's data/ (and narrative) to this version's data model, in place: add new columns "
        "and tables, and move what the data itself says. What only an analyst can supply is left empty, and the next "
        "build names each such cell. Running it again changes nothing. See the README's changelog.",
    )
    p.add_argument("--project", default=".", help="the project folder holding data/ and config.yaml (default: this folder)")
    p.set_defaults(run=cmd_migrate)

    p = steps.add_parser("docs", help="rewrite the README's data-model tables from schemas/datapackage.yaml")
    p.add_argument("--readme", default="README.md", help="the file whose data-model block is written (default: README.md)")
    p.set_defaults(run=cmd_docs)

    p = steps.add_parser(
        "pdf",
        help="internal: typeset one document's HTML as PDF (the Snakefile's pdf rule runs it)",
        description="Internal to the pipeline: the Snakefile's pdf rule runs it, one process a document. Use `make` or "
        "`snakemake` to build PDFs.",
    )
    p.add_argument("--variant", default=None, help="a WeasyPrint PDF variant, e.g. pdf/a-3a")
    p.add_argument("--carry", nargs="*", default=[], help="files to attach (a folder: every file in it, by its path inside)")
    p.add_argument("--html", required=True, help="the document's HTML, as the html stage wrote it")
    p.add_argument("--stylesheet", action="append", default=[], help="a print stylesheet, applied in the order given")
    p.add_argument("--allow", action="append", required=True, help="directory the renderer may read (first is the base URL)")
    p.add_argument("--as-of", required=True, help="the report's date, which fixes SOURCE_DATE_EPOCH")
    p.add_argument("--pages", type=int, help="exact page count required")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.set_defaults(run=cmd_pdf)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    status = args.run(args)
    if args.run is cmd_pdf and argv is None:
        # A render process ends here, without freeing the laid-out document object by object as
        # Python's exit would: 0.4 to 0.5 s after a 40-page briefing (measured), for memory the
        # system takes back at once. The PDF is written and closed by now; only the streams wait.
        # Only as a command (argv None): main(argv) called from Python returns.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


if __name__ == "__main__":
    sys.exit(main())
