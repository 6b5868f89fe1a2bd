"""Signed briefings: `make sign` adds a PAdES signature beside the build, still PDF/A-3a, with
the built bytes as an exact prefix; the signature checks say who signed and whether anything
changed since. The keys and certificates are made here, for these tests only."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from conftest import ROOT, report_ids
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pypdf import PdfReader, PdfWriter

from briefing import sign

PASSPHRASE = "correct horse battery staple 7f3a"
REPORT = "korea-2020-06"


def certificate(subject: x509.Name, key, issuer: x509.Name, issuer_key, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    usage = dict.fromkeys(
        ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement", "encipher_only", "decipher_only"), False
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=not ca, key_cert_sign=ca, crl_sign=ca, **usage), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def name(common_name: str, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attributes)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    """A throw-away CA, a signer (key encrypted with PASSPHRASE) it certifies, and a CA it does not."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key, other_key, key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3))
    ca = certificate(name("Test Root CA"), ca_key, name("Test Root CA"), ca_key, ca=True)
    other = certificate(name("Another CA"), other_key, name("Another CA"), other_key, ca=True)
    cert = certificate(name("Jane Analyst", "Briefing Analytic Unit"), key, ca.subject, ca_key, ca=False)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(PASSPHRASE.encode())
    )
    plain = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_cert = certificate(name("EC Signer"), ec_key, ca.subject, ca_key, ca=False)
    files = {
        "ca": pem(ca),
        "other-ca": pem(other),
        "cert": pem(cert),
        "key": encrypted,
        "plain-key": plain,
        "passphrase": PASSPHRASE.encode() + b"\n",
        "ec-cert": pem(ec_cert),
        "ec-key": ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    }
    for label, data in files.items():
        (folder / f"{label}.pem").write_bytes(data)
    return {label: folder / f"{label}.pem" for label in files}


def signing_env(pki, **overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_SIGNING_")}
    env |= {sign.KEY: str(pki["key"]), sign.CERT: str(pki["cert"]), sign.PASSPHRASE_FILE: str(pki["passphrase"])}
    for variable, value in overrides.items():
        if value is None:
            env.pop(variable, None)
        else:
            env[variable] = value
    return env


def run_sign(source: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "sign", str(source), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def make_sign(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`make sign` for real, with the build it depends on taken as done (-o reports)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "reports", "sign", f"BIN={ROOT / '.venv' / 'bin'}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def made(built, pki, tmp_path_factory) -> Path:
    """A copy of the built reports with the checkout's Makefile and code, after `make sign`."""
    project = tmp_path_factory.mktemp("signed") / "project"
    shutil.copytree(built / "reports", project / "reports")
    shutil.copytree(ROOT / "briefing", project / "briefing", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(built / "config.yaml", project / "config.yaml")
    result = make_sign(project, signing_env(pki))
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def unsigned(project: Path) -> bytes:
    return (project / "reports" / REPORT / "briefing.pdf").read_bytes()


def signed(project: Path) -> bytes:
    return (project / "reports" / REPORT / "briefing.signed.pdf").read_bytes()


def test_make_sign_signs_every_report_beside_the_build_and_leaves_the_build_as_it_was(made, built):
    for report in report_ids(built):
        folder = made / "reports" / report
        assert (folder / "briefing.pdf").read_bytes() == (built / "reports" / report / "briefing.pdf").read_bytes()
        assert [check.signer for check in sign.signatures((folder / "briefing.signed.pdf").read_bytes())] == [
            "Jane Analyst (Briefing Analytic Unit)"
        ]
    assert not list(made.glob("reports/*/.*.partial"))


def test_make_sign_without_a_key_stops_at_the_first_report_with_one_line(made, pki):
    before = {path: path.read_bytes() for path in made.glob("reports/*/*.pdf")}
    result = make_sign(made, signing_env(pki, **{sign.KEY: None}))
    assert result.returncode != 0
    assert result.stderr.count("BRIEFING_SIGNING_KEY is not set") == 1 and "Traceback" not in result.stderr
    assert {path: path.read_bytes() for path in made.glob("reports/*/*.pdf")} == before


def test_the_signed_pdf_is_the_built_pdf_plus_an_incremental_update(made):
    assert signed(made).startswith(unsigned(made)) and len(signed(made)) > len(unsigned(made))
    assert sign.unsigned_bytes(signed(made)) == unsigned(made)


def test_the_signature_names_the_signer_and_is_intact_over_the_whole_file(made, pki):
    (check,) = sign.signatures(signed(made))
    assert check.field == sign.FIELD
    assert (check.common_name, check.organisation) == ("Jane Analyst", "Briefing Analytic Unit")
    assert check.intact and check.covers_whole_file and check.trusted is None
    assert abs(check.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=30)
    assert sign.describe(check).startswith("signature 'Issuer' by Jane Analyst (Briefing Analytic Unit) on ")


def test_trust_is_judged_only_against_the_roots_given(made, pki):
    assert [c.trusted for c in sign.signatures(signed(made), pki["ca"].read_bytes())] == [True]
    assert [c.trusted for c in sign.signatures(signed(made), pki["other-ca"].read_bytes())] == [False]


def test_the_signed_pdf_is_still_pdf_a_3a_with_the_metadata_the_build_wrote(made):
    before, after = PdfReader(BytesIO(unsigned(made))), PdfReader(BytesIO(signed(made)))
    xmp = after.xmp_metadata.stream.get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="A"' in xmp
    # pyHanko's own metadata update would make Info's /Producer and the XMP's disagree (not PDF/A)
    assert xmp == before.xmp_metadata.stream.get_data()
    assert dict(after.metadata) == dict(before.metadata)
    assert signed(made).startswith(b"%PDF-1.7") and "/Version" not in after.trailer["/Root"]  # PDF/A-3 is PDF 1.7


def test_the_signature_widget_is_invisible_and_printable_as_pdf_a_requires(made):
    root = PdfReader(BytesIO(signed(made))).trailer["/Root"]
    (widget,) = [field.get_object() for field in root["/AcroForm"]["/Fields"]]
    assert widget["/FT"] == "/Sig" and widget["/Subtype"] == "/Widget"
    assert widget["/F"] & 4 and not widget["/F"] & (1 | 2 | 32)  # print; not invisible, hidden or no-view
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0] and "/AP" not in widget  # no appearance to draw
    assert "/NeedAppearances" not in root["/AcroForm"]


def test_qpdf_finds_no_errors_in_the_signed_pdf(made):
    result = subprocess.run(["qpdf", "--check", made / "reports" / REPORT / "briefing.signed.pdf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_the_signed_pdf_carries_the_same_attachments(made):
    carried = PdfReader(BytesIO(signed(made))).attachments
    assert carried == PdfReader(BytesIO(unsigned(made))).attachments
    assert "manifest.json" in carried and "data/events.csv" in carried


def test_a_byte_changed_in_the_signed_range_breaks_the_signature(made):
    data = bytearray(signed(made))
    assert data[10] >= 0x80  # the binary comment on the header's second line: still a readable PDF
    data[10] ^= 0x01
    (check,) = sign.signatures(bytes(data))
    assert not check.intact and check.covers_whole_file
    assert "BROKEN" in sign.describe(check)


def test_anything_after_the_signature_is_reported_as_not_covered(made):
    (appended,) = sign.signatures(signed(made) + b"\n")
    assert appended.intact and not appended.covers_whole_file
    writer = PdfWriter(BytesIO(signed(made)), incremental=True)
    writer.add_metadata({"/Title": "Altered after signing"})
    updated = BytesIO()
    writer.write(updated)
    (check,) = sign.signatures(updated.getvalue())
    assert check.intact and not check.covers_whole_file
    assert sign.unsigned_bytes(updated.getvalue()) == unsigned(made)


def test_an_unsigned_pdf_has_no_signatures_and_is_its_own_unsigned_bytes(made):
    assert sign.signatures(unsigned(made)) == []
    assert sign.unsigned_bytes(unsigned(made)) == unsigned(made)


@pytest.mark.parametrize("damage", [b"not a pdf", b"%PDF-1.7\n%%EOF\n", "truncated", "contents"])
def test_a_damaged_pdf_gives_one_line_errors(made, damage):
    data = signed(made)
    if damage == "truncated":
        damage = data[: len(data) - 4000]
    elif damage == "contents":  # the signature's CMS bytes replaced by zeros of the same length
        start = data.rindex(b"/Contents <") + len(b"/Contents <")
        damage = data[:start] + b"0" * (data.index(b">", start) - start) + data[data.index(b">", start) :]
    for read in (sign.signatures, sign.unsigned_bytes):
        with pytest.raises(sign.SignatureError) as error:
            read(damage)
        assert "\n" not in str(error.value) and str(error.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({sign.KEY: None}, "BRIEFING_SIGNING_KEY is not set"),
        ({sign.CERT: ""}, "BRIEFING_SIGNING_CERT is not set"),
        ({sign.KEY: "/nonexistent/key.pem"}, "BRIEFING_SIGNING_KEY: cannot read /nonexistent/key.pem: No such file or directory"),
        ({sign.PASSPHRASE_FILE: None}, "BRIEFING_SIGNING_KEY: the key in {key} is encrypted: set BRIEFING_SIGNING_KEY_PASSPHRASE_FILE"),
        ({sign.PASSPHRASE_FILE: "{cert}"}, "BRIEFING_SIGNING_KEY: {key} is not a PEM or DER private key, or the passphrase in"),
        ({sign.CERT: "{key}"}, "BRIEFING_SIGNING_CERT: {key} is not a PEM or DER certificate file"),
        ({sign.CERT: "{other-ca}"}, "BRIEFING_SIGNING_KEY and BRIEFING_SIGNING_CERT do not belong together"),
        ({sign.KEY: "{ec-key}", sign.CERT: "{ec-cert}", sign.PASSPHRASE_FILE: None}, "makes the file PDF 2.0, which PDF/A-3 is not"),
    ],
)
def test_a_setting_that_cannot_sign_is_one_line_naming_it_without_secrets(made, pki, tmp_path, overrides, message):
    paths = {label: str(path) for label, path in pki.items()}
    env = signing_env(pki, **{k: v.format(**paths) if v else v for k, v in overrides.items()})
    out = tmp_path / "briefing.signed.pdf"
    result = run_sign(made / "reports" / REPORT / "briefing.pdf", out, env)
    assert result.returncode == 1
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: cannot sign {made / 'reports' / REPORT / 'briefing.pdf'}: ")
    assert message.format(**paths) in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())
    secrets = [PASSPHRASE, *pki["plain-key"].read_text().splitlines()[1:-1], *pki["key"].read_text().splitlines()[1:-1]]
    assert not any(secret in result.stderr for secret in secrets)


def test_signing_prints_neither_the_passphrase_nor_the_key(made, pki, tmp_path):
    result = run_sign(made / "reports" / REPORT / "briefing.pdf", tmp_path / "signed.pdf", signing_env(pki))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    output = result.stdout + result.stderr
    assert PASSPHRASE not in output and not any(line in output for line in pki["key"].read_text().splitlines()[1:-1])
    assert sign.unsigned_bytes((tmp_path / "signed.pdf").read_bytes()) == unsigned(made)


def test_the_build_is_never_signed_in_place(made, pki):
    source = made / "reports" / REPORT / "briefing.pdf"
    result = run_sign(source, source, signing_env(pki))
    assert result.returncode == 1 and "another file than the PDF itself" in result.stderr
    assert source.read_bytes() == unsigned(made)


def verify(pdf: Path, project: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m briefing verify` as a recipient runs it, in the checkout that built the PDF."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", "verify", str(pdf), *extra], cwd=project, capture_output=True, text=True, timeout=600
    )


def test_a_signed_briefing_passes_verify_with_its_signer_named(made, built, pki):
    result = verify(made / "reports" / REPORT / "briefing.signed.pdf", built, "--trust", str(pki["ca"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rebuilt from its attachments with this pipeline: identical bytes" in result.stdout
    assert "signature 'Issuer' by Jane Analyst (Briefing Analytic Unit)" in result.stdout
    assert "intact, covers the whole file, trusted" in result.stdout


def test_a_byte_changed_after_signing_fails_verify_naming_the_signature(made, built, tmp_path):
    data = bytearray(signed(made))
    data[10] ^= 0x01  # in the binary comment of the header: the file still reads, its signed bytes do not match
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    result = verify(altered, built)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "signature 'Issuer' by Jane Analyst (Briefing Analytic Unit)" in result.stdout
    assert "BROKEN: the signed bytes were changed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_signature_by_someone_the_recipient_does_not_trust_fails_verify(made, built, pki):
    result = verify(made / "reports" / REPORT / "briefing.signed.pdf", built, "--trust", str(pki["other-ca"]))
    assert result.returncode == 1
    assert "NOT trusted by the given roots" in result.stdout
