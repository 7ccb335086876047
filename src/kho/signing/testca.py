"""A test certificate authority and per-agency signing certificates, for tests and the demo. Pure module.

Never for production: real agencies use certificates issued under Vietnam's digital-signature rules
(Ban Cơ yếu Chính phủ for State bodies); ``kho signing`` registers those the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kho.signing.pades import SigningIdentity


def _fit(value: str, limit: int = 64) -> str:
    """Cut ``value`` to the X.520 upper bound (64, counted in UTF-8 bytes by cryptography)."""
    while len(value.encode("utf-8")) > limit:
        value = value[:-1]
    return value.rstrip(" ,")


def _name(common: str, organisation: str) -> x509.Name:
    common, organisation = _fit(common), _fit(organisation)
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _write_key(path: Path, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)


def make_test_ca(folder: Path) -> tuple[Path, Path]:
    """Create (or reuse) a self-signed EC P-384 root CA in ``folder``; return (key path, cert path)."""
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "test-ca.key", folder / "test-ca.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key = ec.generate_private_key(ec.SECP384R1())
    now = dt.datetime.now(dt.UTC)
    name = _name("Kho Test CA (không dùng thật)", "Kho")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA384())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def issue_signer(folder: Path, organisation: str, slug: str) -> SigningIdentity:
    """Issue an RSA-3072 signing certificate for ``organisation`` from the test CA in ``folder``."""
    ca_key_path, ca_cert_path = make_test_ca(folder)
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{ca_key_path} is not the EC key of Kho's test CA")
    ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca_key, hashes.SHA384())
    )
    key_path, cert_path = folder / f"{slug}.key", folder / f"{slug}.pem"
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SigningIdentity(
        organisation=organisation, key_path=key_path, cert_path=cert_path, chain_paths=(ca_cert_path,)
    )
