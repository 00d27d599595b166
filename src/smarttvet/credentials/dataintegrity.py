"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0",
section 3.3), and ``did:key`` Ed25519 verification methods. Pure: no Django.

Signing (Create Proof, eddsa-jcs-2022):
  proofConfig = the proof options (type ``DataIntegrityProof``, cryptosuite ``eddsa-jcs-2022``, created,
  verificationMethod, proofPurpose) plus the document's ``@context``;
  hashData = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof));
  proofValue = "z" + base58btc(Ed25519-sign(hashData)).
Verifying reverses it: the proof without ``proofValue`` is the proof configuration; if it carries an
``@context``, the document's ``@context`` must start with it and it replaces the document's for hashing.

JCS is RFC 8785 (the ``rfc8785`` package); base58btc is the Bitcoin alphabet (the ``base58`` package).
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class ProofError(ValueError):
    """The proof cannot be checked: ``code`` says why (missing, cryptosuite, method, value, context)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


# --- keys --------------------------------------------------------------------------------------------------

def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_multibase(raw: bytes) -> str:
    """The Multikey ``publicKeyMultibase`` of a raw 32-byte Ed25519 public key: ``z6Mk…``."""
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def did_key(raw: bytes) -> str:
    """The ``did:key`` verification method of a raw Ed25519 public key: ``did:key:z6Mk…#z6Mk…``."""
    fingerprint = public_key_multibase(raw)
    return f"did:key:{fingerprint}#{fingerprint}"


def public_key_from_multibase(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("method", "not a base58btc multibase value")
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("method", "not base58btc") from exc
    if len(decoded) != 34 or not decoded.startswith(ED25519_PUB_PREFIX):
        raise ProofError("method", "not an Ed25519 public key")
    return decoded[2:]


def public_key_from_did_key(method: str) -> bytes:
    """The raw public key of a ``did:key:z6Mk…#z6Mk…`` verification method (self-describing)."""
    if not isinstance(method, str) or not method.startswith("did:key:"):
        raise ProofError("method", "not a did:key verification method")
    did, _, fragment = method[len("did:key:"):].partition("#")
    if fragment and fragment != did:
        raise ProofError("method", "the fragment differs from the key")
    return public_key_from_multibase(did)


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """A ``privateKeyMultibase`` (multicodec ed25519-priv) as a key (used for the specification's test vector)."""
    decoded = base58.b58decode(value[1:])
    if not value.startswith("z") or len(decoded) != 34 or not decoded.startswith(ED25519_PRIV_PREFIX):
        raise ValueError("not an Ed25519 privateKeyMultibase")
    return Ed25519PrivateKey.from_private_bytes(decoded[2:])


# --- the algorithm ------------------------------------------------------------------------------------------

def canonical(value: Any) -> bytes:
    """JCS (RFC 8785) of ``value``, UTF-8."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofError("document", str(exc)) from exc


def proof_configuration(unsecured: dict, options: dict) -> bytes:
    """Section 3.3.5: the canonical proof configuration (the options plus the document's ``@context``)."""
    config = copy.deepcopy(options)
    if config.get("type") != PROOF_TYPE or config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("cryptosuite", f"{config.get('type')}/{config.get('cryptosuite')}")
    created = config.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME.match(created)):
        raise ProofError("created", str(created))
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return canonical(config)


def hash_data(unsecured: dict, options: dict) -> bytes:
    """Sections 3.3.3-3.3.4: SHA-256 of the canonical proof configuration, then of the canonical document."""
    config_hash = hashlib.sha256(proof_configuration(unsecured, options)).digest()
    document_hash = hashlib.sha256(canonical(unsecured)).digest()
    return config_hash + document_hash


def sign(unsecured: dict, private_key: Ed25519PrivateKey, *, verification_method: str, created: str) -> dict:
    """The document with an ``eddsa-jcs-2022`` proof added (section 3.3.1 Create Proof). The proof carries the
    document's ``@context``, as the specification's examples do, so a verifier can check it was not changed."""
    if "proof" in unsecured:
        raise ValueError("The document already has a proof.")
    options: dict[str, Any] = {
        "type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
        "verificationMethod": verification_method, "proofPurpose": PROOF_PURPOSE,
    }
    if "@context" in unsecured:
        options["@context"] = copy.deepcopy(unsecured["@context"])
    signature = private_key.sign(hash_data(unsecured, options))
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    return {**copy.deepcopy(unsecured), "proof": proof}


def split(secured: dict) -> tuple[dict, dict, bytes]:
    """Section 3.3.2 steps 1-4: (the unsecured document, the proof options, the signature bytes)."""
    proof = secured.get("proof")
    if proof is None:
        raise ProofError("missing")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("several", str(len(proof)))
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("missing")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("cryptosuite", f"{proof.get('type')}/{proof.get('cryptosuite')}")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("value", "not a base58btc multibase value")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("value", "not base58btc") from exc
    if len(signature) != 64:
        raise ProofError("value", f"{len(signature)} bytes instead of 64")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    if "@context" in options:
        document_context = unsecured.get("@context")
        proof_context = options["@context"]
        doc_list = document_context if isinstance(document_context, list) else [document_context]
        proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
        if doc_list[:len(proof_list)] != proof_list:
            raise ProofError("context", "the document's @context does not start with the proof's")
        unsecured["@context"] = proof_context
    return unsecured, options, signature


def verify(secured: dict, public_key: bytes) -> bool:
    """Whether the proof of ``secured`` is a valid Ed25519 signature by ``public_key`` over the document.
    Raises ProofError when the proof cannot be checked at all."""
    unsecured, options, signature = split(secured)
    data = hash_data(unsecured, options)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except InvalidSignature:
        return False
    return True
