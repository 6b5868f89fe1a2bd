"""Signing a briefing PDF, and reading the signatures of a signed one.

verify proves that a PDF is what its data and this pipeline make; a signature says who
issued it. The signature (PAdES baseline B-B, by pyHanko) is an incremental update, so the
built PDF's bytes stay an exact prefix of the signed file: unsigned_bytes gives them back
for verify to compare with a rebuild, and the unsigned build itself is never touched.

The key and certificate are read from files named in the environment (KEY, CERT, and
optionally PASSPHRASE_FILE and CHAIN), never from the repository. Every error is one line
naming the variable or file to fix, and never shows key material or the passphrase.

A PDF to read is treated as hostile: pyHanko only parses it (nothing in it is run), and any
failure to parse becomes a SignatureError of one line.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import keys, x509
from cryptography import x509 as pyca_x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

KEY = "BRIEFING_SIGNING_KEY"
CERT = "BRIEFING_SIGNING_CERT"
PASSPHRASE_FILE = "BRIEFING_SIGNING_KEY_PASSPHRASE_FILE"
CHAIN = "BRIEFING_SIGNING_CHAIN"
FIELD = "Issuer"
PDF_WHITESPACE = b"\0\t\n\f\r "

# pyHanko logs what it finds while validating (a signer without a trusted chain, with a
# traceback), which Python prints to stderr when no handler is set: the answers are in
# SignatureCheck, and the command line prints nothing but its own lines.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class SigningError(Exception):
    """Signing cannot go ahead; the message is one line naming what to fix, without key material."""


class SignatureError(Exception):
    """A PDF's signatures cannot be read; the message is one line."""


@dataclass(frozen=True)
class Credentials:
    """The signer's key, its certificate and the certificates between it and a root."""

    key: keys.PrivateKeyInfo = field(repr=False)
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF as a reader needs it judged.

    intact: the signed bytes hash to the signed digest and the signature over it verifies
    with the certificate it names: nothing signed was changed. That says nothing of who holds
    the certificate: trusted says whether it chains to a given trust root (None when no root
    was given). covers_whole_file: nothing was appended after signing.
    """

    field: str
    common_name: str | None
    organisation: str | None
    signing_time: datetime | None
    intact: bool
    covers_whole_file: bool
    trusted: bool | None

    @property
    def signer(self) -> str:
        """The certificate's subject as a person reads it: 'Name (Organisation)'."""
        name = self.common_name or self.organisation or "an unnamed certificate"
        return f"{name} ({self.organisation})" if self.common_name and self.organisation else name


def printable(text: str, limit: int = 200) -> str:
    """Text from a certificate or parser, safe to print on one line: a hostile PDF may carry
    line breaks or terminal escapes in a name."""
    return "".join(c if c.isprintable() else "?" for c in text)[:limit]


def read_setting(environ: Mapping[str, str], variable: str, required: bool = True) -> bytes | None:
    """The bytes of the file the variable names; None when an optional variable is unset."""
    path = environ.get(variable, "")
    if not path:
        if required:
            raise SigningError(f"{variable} is not set: it must name the signing {'key' if variable == KEY else 'certificate'} file")
        return None
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningError(f"{variable}: cannot read {path}: {error.strerror}") from None


def passphrase(environ: Mapping[str, str]) -> bytes | None:
    """The key's passphrase: the file's contents without the line break an editor adds."""
    data = read_setting(environ, PASSPHRASE_FILE, required=False)
    return None if data is None else data.removesuffix(b"\n").removesuffix(b"\r")


def private_key(data: bytes, secret: bytes | None, path: str):
    """The PEM or DER key; errors never quote the library, whose messages might echo key bytes."""
    load = serialization.load_pem_private_key if b"-----BEGIN " in data else serialization.load_der_private_key
    try:
        return load(data, password=secret)
    except TypeError:
        if secret is None:
            raise SigningError(f"{KEY}: the key in {path} is encrypted: set {PASSPHRASE_FILE} to a file holding its passphrase") from None
        raise SigningError(f"{KEY}: the key in {path} is not encrypted: unset {PASSPHRASE_FILE}") from None
    except UnsupportedAlgorithm:
        raise SigningError(f"{KEY}: the key in {path} is of a kind that cannot sign PDFs") from None
    except ValueError:
        opens = f", or the passphrase in {PASSPHRASE_FILE} does not open it" if secret is not None else ""
        raise SigningError(f"{KEY}: {path} is not a PEM or DER private key{opens}") from None


def parse_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in PEM or DER data, parsed whole now (ValueError if any is damaged)
    rather than lazily in the middle of signing or validating."""
    found = pyca_x509.load_pem_x509_certificates(data) if b"-----BEGIN " in data else [pyca_x509.load_der_x509_certificate(data)]
    return [x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)) for cert in found]


def certificates(data: bytes, variable: str, path: str) -> list[x509.Certificate]:
    try:
        return parse_certificates(data)
    except ValueError:
        raise SigningError(f"{variable}: {path} is not a PEM or DER certificate file") from None


def credentials(environ: Mapping[str, str]) -> Credentials:
    """The signer's credentials from the files the environment names."""
    key_data = read_setting(environ, KEY)
    cert_data = read_setting(environ, CERT)
    chain_data = read_setting(environ, CHAIN, required=False)
    key = private_key(key_data, passphrase(environ), environ[KEY])
    certs = certificates(cert_data, CERT, environ[CERT])
    if len(certs) != 1:
        raise SigningError(f"{CERT}: {environ[CERT]} holds {len(certs)} certificates; put the signer's alone there and the rest in {CHAIN}")
    if pyca_x509.load_der_x509_certificate(certs[0].dump()).public_key() != key.public_key():
        raise SigningError(f"{KEY} and {CERT} do not belong together: the certificate is for another key")
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    chain = tuple(certificates(chain_data, CHAIN, environ[CHAIN])) if chain_data is not None else ()
    return Credentials(keys.PrivateKeyInfo.load(der), certs[0], chain)


class _KeepMetadataWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's metadata as the build wrote it.

    pyHanko would set the Info dictionary's /Producer to 'WeasyPrint …; pyHanko …' but the
    XMP's pdf:Producer to 'pyHanko …', which breaks PDF/A's rule that both say the same, and
    it rewrites the XMP through its own model (pyHanko issue 755 shows that losing PDF/A on
    other files). Overriding _update_meta is the way pyHanko's author gives (issue 223); sign
    checks the result, so a pyHanko that stops calling it is caught.
    """

    def _update_meta(self):
        pass


def archival_identity(data: bytes) -> tuple:
    """What signing must not change for the file to stay the same PDF/A-3: the PDF version its
    catalog declares (an incremental update cannot change the header's; PDF/A-3 is PDF 1.7),
    its XMP packet and its Info dictionary."""
    reader = PdfFileReader(io.BytesIO(data))
    version = str(reader.root.get("/Version", "")).lstrip("/") or None
    xmp = reader.root["/Metadata"].data if "/Metadata" in reader.root else None
    info = {str(k): str(v) for k, v in reader.trailer["/Info"].items()} if "/Info" in reader.trailer else None
    return version, xmp, info


def sign_pdf(data: bytes, creds: Credentials) -> bytes:
    """The PDF with an invisible PAdES signature appended; data stays an exact prefix.

    The widget is pyHanko's invisible one in its PDF/A form: a zero-sized box (so it needs no
    appearance) with the print flag set and the hidden flag clear, as PDF/A requires.
    """
    signer = signers.SimpleSigner(
        signing_cert=creds.cert, signing_key=creds.key, cert_registry=SimpleCertificateStore.from_certs(list(creds.chain))
    )
    spec = fields.SigFieldSpec(
        sig_field_name=FIELD,
        invis_sig_settings=fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=False),
    )
    meta = signers.PdfSignatureMetadata(field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = io.BytesIO()
    try:
        writer = _KeepMetadataWriter(io.BytesIO(data))
        signers.PdfSigner(meta, signer=signer, new_field_spec=spec).sign_pdf(writer, output=out)
    except Exception as error:  # a PDF pyHanko cannot extend, an existing field, a key it cannot use
        raise SigningError(f"pyHanko could not sign it: {printable(str(error) or type(error).__name__)}") from None
    signed = out.getvalue()
    if not signed.startswith(data):
        raise SigningError("the signed file does not keep the built PDF's bytes as its prefix")
    before, after = archival_identity(data), archival_identity(signed)
    if after[0] != before[0]:
        raise SigningError(
            f"signing with this key makes the file PDF {after[0]}, which PDF/A-3 is not "
            "(pyHanko declares ECDSA on NIST or Brainpool curves and EdDSA as PDF 2.0 features): sign with an RSA key"
        )
    if after != before:
        raise SigningError("signing changed the PDF's metadata, so it would no longer be the same PDF/A-3 file")
    return signed


def write_signed(source: Path, target: Path, environ: Mapping[str, str]) -> None:
    """Sign source into target, through a temporary file beside it: no reader sees half a file.
    Never in place: the unsigned build stays byte for byte what the pipeline made."""
    if target.resolve() == source.resolve():
        raise SigningError("the signed copy must be another file than the PDF itself (--out)")
    creds = credentials(environ)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise SigningError(f"cannot read {source}: {error.strerror}") from None
    signed = sign_pdf(data, creds)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(signed)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def reader_of(data: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(data))
    except Exception as error:  # anything a hostile file makes the parser raise
        raise SignatureError(f"not a readable PDF: {printable(str(error) or type(error).__name__)}") from None


def subject_part(cert: x509.Certificate, key: str) -> str | None:
    value = cert.subject.native.get(key)
    if isinstance(value, list):  # a name may repeat an attribute
        value = ", ".join(map(str, value))
    return printable(str(value)) if value else None


def judge(embedded, roots: list[x509.Certificate] | None) -> SignatureCheck:
    """Judge one embedded signature. With no roots, trust is not asked: the trust list is empty,
    never the system's, and nothing is fetched from the network. A document-signing certificate
    may say digitalSignature or nonRepudiation (pyHanko alone asks for the latter)."""
    context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})
    status = validate_pdf_signature(embedded, context, key_usage_settings=usage, skip_diff=True)
    cert = embedded.signer_cert
    return SignatureCheck(
        field=printable(str(embedded.field_name)),
        common_name=subject_part(cert, "common_name"),
        organisation=subject_part(cert, "organization_name"),
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=status.trusted if roots else None,
    )


def signatures(data: bytes, trust: bytes | None = None) -> list[SignatureCheck]:
    """Every signature of the PDF, oldest first. trust: PEM or DER certificates of the roots
    to trust (None: trust is not judged)."""
    roots = None
    if trust is not None:
        try:
            roots = parse_certificates(trust)
        except ValueError:
            raise SignatureError("the trust roots are not PEM or DER certificates") from None
    reader = reader_of(data)
    try:
        return [judge(embedded, roots) for embedded in reader.embedded_regular_signatures]
    except SignatureError:
        raise
    except Exception as error:  # a damaged signature, certificate or byte range in a hostile file
        raise SignatureError(f"cannot read the signatures: {printable(str(error) or type(error).__name__)}") from None


def revision_end(data: bytes, xref_end: int) -> int:
    """Where the revision whose cross-reference section ends at xref_end ends: after its
    %%EOF marker and the line break (or any whitespace) before the next revision's first byte."""
    marker = data.find(b"%%EOF", xref_end)
    if marker < 0:
        raise SignatureError("the revision before the first signature has no %%EOF marker")
    end = marker + len(b"%%EOF")
    while end < len(data) and data[end] in PDF_WHITESPACE:
        end += 1
    return end


def unsigned_bytes(data: bytes) -> bytes:
    """The file as it was before its first signature was added: the revisions before the one
    that holds the oldest signature. A file without signatures is returned as it is.

    The cut must lie inside the bytes that signature signs, so whatever is compared with
    these bytes is compared with signed bytes. Where the earlier revision's cross-reference
    section ends comes from pyHanko's parse (an internal of the version pinned in
    requirements.lock; the tests check the cut).
    """
    reader = reader_of(data)
    try:
        embedded = reader.embedded_regular_signatures
        if not embedded:
            return data
        first = embedded[0]
        if first.signed_revision == 0:
            raise SignatureError("the first signature is in the file's first revision: there was no unsigned file before it")
        end = revision_end(data, reader.xrefs.get_xref_container_info(first.signed_revision - 1).end_location)
        signed_start, signed_length = int(first.byte_range[0]), int(first.byte_range[1])
    except SignatureError:
        raise
    except Exception as error:  # a damaged signature or cross-reference section in a hostile file
        raise SignatureError(f"cannot find the unsigned file: {printable(str(error) or type(error).__name__)}") from None
    if signed_start != 0 or end > signed_length:
        raise SignatureError("the first signature does not sign the file that came before it")
    return data[:end]


def describe(check: SignatureCheck) -> str:
    """One line for a person: who signed, when, and what the signature proves."""
    when = f" on {check.signing_time:%Y-%m-%d %H:%M %Z}".rstrip() if check.signing_time else ""
    verdict = "intact" if check.intact else "BROKEN: the signed bytes were changed"
    coverage = "covers the whole file" if check.covers_whole_file else "does NOT cover the whole file: something was appended after signing"
    trust = {None: "trust not checked", True: "trusted", False: "NOT trusted by the given roots"}[check.trusted]
    return f"signature {check.field!r} by {check.signer}{when}: {verdict}, {coverage}, {trust}"
