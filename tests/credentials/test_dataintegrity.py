"""eddsa-jcs-2022 against the W3C specification's own example (Data Integrity EdDSA Cryptosuites v1.0,
Recommendation, appendix "Representation: eddsa-jcs-2022"; the same files are in the specification's repository
under TestVectors/eddsa-jcs-2022/): the key pair, the unsigned credential, the hashes, the signature and the
proofValue are reproduced bit for bit."""

import copy
import hashlib

import pytest

from smarttvet.credentials import dataintegrity as di

PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
METHOD = f"did:key:{PUBLIC}#{PUBLIC}"
UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
CANONICAL_DOCUMENT = (
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],'
    '"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},'
    '"description":"A minimum viable example of an Alumni Credential.",'
    '"id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678",'
    '"name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}'
)
CANONICAL_PROOF_CONFIG = (
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],'
    '"created":"2023-02-24T23:36:38Z","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod",'
    '"type":"DataIntegrityProof","verificationMethod":"' + METHOD + '"}'
)
DOCUMENT_HASH = "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
PROOF_HASH = "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
SIGNATURE_HEX = ("407cd12654b33d718ecbb99179a1506daaa849450bf3fc523cce3e1c96f8b803"
                 "51da3f253d725c6f00b07c9e5448d50b3ef78012b9ab54255116d069c6dd2808")
PROOF_VALUE = "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
CREATED = "2023-02-24T23:36:38Z"


@pytest.fixture
def key():
    return di.private_key_from_multibase(PRIVATE)


def test_key_pair_matches_the_specification(key):
    raw = di.public_bytes(key.public_key())
    assert di.public_key_multibase(raw) == PUBLIC
    assert di.did_key(raw) == METHOD
    assert di.public_key_from_did_key(METHOD) == raw


def test_canonical_forms_and_hashes_match_the_specification():
    assert di.canonical(UNSIGNED).decode() == CANONICAL_DOCUMENT
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": CREATED,
               "verificationMethod": METHOD, "proofPurpose": "assertionMethod"}
    assert di.proof_configuration(UNSIGNED, options).decode() == CANONICAL_PROOF_CONFIG
    assert hashlib.sha256(di.canonical(UNSIGNED)).hexdigest() == DOCUMENT_HASH
    assert di.hash_data(UNSIGNED, options).hex() == PROOF_HASH + DOCUMENT_HASH


def test_signature_and_proof_value_bit_for_bit(key):
    signed = di.sign(UNSIGNED, key, verification_method=METHOD, created=CREATED)
    proof = signed["proof"]
    assert proof["proofValue"] == PROOF_VALUE
    assert di.split(signed)[2].hex() == SIGNATURE_HEX
    assert proof["@context"] == UNSIGNED["@context"]
    assert {k: v for k, v in signed.items() if k != "proof"} == UNSIGNED  # the input is not changed
    assert di.verify(signed, di.public_key_from_multibase(PUBLIC))


def test_the_published_signed_credential_verifies():
    signed = {**copy.deepcopy(UNSIGNED), "proof": {
        "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": CREATED,
        "verificationMethod": METHOD, "proofPurpose": "assertionMethod", "@context": UNSIGNED["@context"],
        "proofValue": PROOF_VALUE}}
    assert di.verify(signed, di.public_key_from_multibase(PUBLIC))
    signed["credentialSubject"]["alumniOf"] = "The School of Examples!"
    assert not di.verify(signed, di.public_key_from_multibase(PUBLIC))


def test_a_proof_without_context_is_checked_against_the_documents_context(key):
    """A proof that does not carry @context still hashes the document's (section 3.3.5 step 4)."""
    signed = di.sign(UNSIGNED, key, verification_method=METHOD, created=CREATED)
    del signed["proof"]["@context"]
    assert di.verify(signed, di.public_key_from_multibase(PUBLIC))


def test_a_context_added_to_the_document_is_caught(key):
    signed = di.sign(UNSIGNED, key, verification_method=METHOD, created=CREATED)
    signed["@context"] = ["https://evil.example/context"] + signed["@context"]
    with pytest.raises(di.ProofError) as error:
        di.verify(signed, di.public_key_from_multibase(PUBLIC))
    assert error.value.code == "context"


@pytest.mark.parametrize("proof, code", [
    (None, "missing"),
    ({"type": "Ed25519Signature2020", "proofValue": "z1"}, "cryptosuite"),
    ({"type": "DataIntegrityProof", "cryptosuite": "ecdsa-jcs-2019", "proofValue": "z1"}, "cryptosuite"),
    ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofValue": "u123"}, "value"),
    ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofValue": "z0OIl"}, "value"),
    ({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "proofValue": "z2HnFSS"}, "value"),
])
def test_unusable_proofs_name_the_problem(proof, code):
    document = {**UNSIGNED, **({"proof": proof} if proof is not None else {})}
    with pytest.raises(di.ProofError) as error:
        di.split(document)
    assert error.value.code == code


def test_did_key_parsing_refuses_other_methods():
    for method in ("https://vc.example/issuers/5678#key-1", "did:web:example.com#k", f"did:key:{PUBLIC}#other",
                   "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP", 42):
        with pytest.raises(di.ProofError):
            di.public_key_from_did_key(method)
