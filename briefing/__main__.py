"""Command line: typesetting a PDF (a process of its own, one core per render), verifying
a distributed PDF, making synthetic data, and writing the README's data-model tables. The
other stages run inside Snakemake (one module a stage: briefing.validate, briefing.context, ...).
Errors end with a message and exit status 1, never a traceback.

Each command imports only what it uses: a render should not pay for pandas.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_pdf(args) -> int:
    from briefing import pdf, provenance

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

    synth.write_project_data(synth.synthetic_tables(args.scale, args.seed), Path(args.out))
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m briefing", description=__doc__)
    steps = top.add_subparsers(dest="step", required=True)

    p = steps.add_parser("verify", help="rebuild a PDF from the data it carries and compare the bytes")
    p.add_argument("pdf")
    p.add_argument("--project", default=".", help="the checkout whose pipeline rebuilds it (and whose data/ it is compared with)")
    p.add_argument("--trust", help="PEM or DER certificates of the roots to trust: a signature by anyone else fails")
    p.set_defaults(run=cmd_verify)

    p = steps.add_parser(
        "sign",
        help="sign a PDF (PAdES) with the key and certificate named in BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT",
        description="Sign a PDF (PAdES baseline B-B, an incremental update: the PDF's bytes stay an exact prefix) with the key and "
        "certificate in the files named by BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT; optionally "
        "BRIEFING_SIGNING_KEY_PASSPHRASE_FILE (a file holding the key's passphrase) and BRIEFING_SIGNING_CHAIN "
        "(intermediate certificates to embed).",
    )
    p.add_argument("pdf")
    p.add_argument("--out", required=True, help="the signed copy (never the same file: the unsigned build stays as built)")
    p.set_defaults(run=cmd_sign)

    p = steps.add_parser("synth", help="write synthetic data (data/, narrative, config.yaml) of any size")
    p.add_argument("--scale", type=int, required=True, help="1 is about a real crisis file (100 events); N is N times that")
    p.add_argument("--seed", type=int, default=0, help="the same scale and seed give the same bytes")
    p.add_argument("--out", required=True, help="folder to write data/ and config.yaml into")
    p.set_defaults(run=cmd_synth)

    p = steps.add_parser("docs", help="write the README's data-model tables from schemas/datapackage.yaml")
    p.add_argument("--readme", default="README.md", help="the file whose data-model block is written (default: README.md)")
    p.set_defaults(run=cmd_docs)

    p = steps.add_parser("pdf", help="typeset HTML as PDF")
    p.add_argument("--variant", default=None, help="a WeasyPrint PDF variant, e.g. pdf/a-3a")
    p.add_argument("--carry", nargs="*", default=[], help="files to attach (a folder: every file in it, by its path inside)")
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
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
