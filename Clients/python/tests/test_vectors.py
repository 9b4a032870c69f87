"""Reproduces every vector of Tests/Vectors/wire-format.json with this client's own encoder."""

import json
import os
import struct
import unittest

from hmn_client import (
    Bond, Key, MemoryProof, MemoryProofBody, MemoryRecord, MintT0, MintT1, ShardMapProposal, Transaction, Transfer,
    Unbond,
)

VECTORS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "Vectors", "wire-format.json")


def load():
    with open(VECTORS, encoding="utf-8") as handle:
        return json.load(handle)


def proof_from(vector) -> MemoryProof:
    key = Key.from_hex(vector["authorSeed"])
    proof = MemoryProof(
        record_id=bytes.fromhex(vector["recordId"]),
        content_hash=bytes.fromhex(vector["contentHash"]),
        author=key.public,
        timestamp_ms=vector["timestampMilliseconds"],
        rphv_ppm=vector["rphvPpm"],
    )
    return proof.signed(vector["chainId"], key)


def body_from(vector):
    kind = vector["type"]
    if kind == "transfer":
        return Transfer(bytes.fromhex(vector["recipient"]), vector["amount"])
    if kind == "mintT0":
        return MintT0(vector["epoch"], vector["amount"])
    if kind == "mintT1":
        return MintT1(bytes.fromhex(vector["proofId"]), vector["amount"])
    if kind == "memoryProof":
        return MemoryProofBody(proof_from(vector["proof"]))
    if kind == "bond":
        return Bond(vector["amount"])
    if kind == "unbond":
        return Unbond(vector["amount"])
    if kind == "shardMapProposal":
        return ShardMapProposal(bytes.fromhex(vector["payload"]))
    raise AssertionError(f"unknown body type {kind}")


class VectorTests(unittest.TestCase):
    def setUp(self):
        self.vectors = load()

    def check_proof(self, vector):
        proof = proof_from(vector)
        self.assertEqual(proof.author.hex(), vector["author"])
        self.assertEqual(proof.sign_bytes(vector["chainId"]).hex(), vector["signBytes"])
        self.assertEqual(proof.signature.hex(), vector["signature"])
        self.assertEqual(proof.proof_id.hex(), vector["proofId"])
        self.assertEqual(proof.canonical().hex(), vector["canonical"])

    def test_transactions(self):
        kinds = set()
        for vector in self.vectors["transactions"]:
            with self.subTest(vector["name"]):
                key = Key.from_hex(vector["senderSeed"])
                self.assertEqual(key.public.hex(), vector["sender"])
                tx = Transaction(vector["chainId"], key.public, vector["nonce"], body_from(vector["body"]))
                self.assertEqual(tx.unsigned().hex(), vector["unsigned"])
                self.assertEqual(tx.sign_bytes().hex(), vector["signBytes"])
                self.assertEqual(tx.id.hex(), vector["id"])
                signed = tx.sign(key)
                self.assertEqual(signed.signature.hex(), vector["signature"])
                self.assertEqual(signed.hex(), vector["signed"])
                kinds.add(vector["body"]["type"])
        self.assertEqual(kinds, {"transfer", "mintT0", "mintT1", "memoryProof", "bond", "unbond", "shardMapProposal"})

    def test_memory_proofs(self):
        proofs = self.vectors["memoryProofs"]
        proofs += [v["body"]["proof"] for v in self.vectors["transactions"] if "proof" in v["body"]]
        proofs += [v["proof"] for v in self.vectors["memoryRecords"] if v.get("proof")]
        self.assertEqual(len(proofs), 3)
        for vector in proofs:
            with self.subTest(vector["recordId"]):
                self.check_proof(vector)

    def test_memory_records(self):
        for vector in self.vectors["memoryRecords"]:
            with self.subTest(vector["name"]):
                key = Key.from_hex(vector["authorSeed"])
                # The bits are the reference: a JSON parser may read -0.0 as the integer 0.
                components = [struct.unpack(">f", bytes.fromhex(bits))[0] for bits in vector["vectorBits"]]
                record = MemoryRecord(
                    id=bytes.fromhex(vector["id"]),
                    vector=components,
                    author=key.public,
                    payload=bytes.fromhex(vector["payload"]),
                    version=vector["version"],
                    created_at_ms=vector["createdAtMilliseconds"],
                    updated_at_ms=vector["updatedAtMilliseconds"],
                    importance_ppm=vector["importancePpm"],
                    replica_agreement_ppm=vector["replicaAgreementPpm"],
                    access_count=vector["accessCount"],
                    last_access_ms=vector["lastAccessMilliseconds"],
                    proof=proof_from(vector["proof"]) if vector.get("proof") else None,
                ).signed(vector["chainId"], key)
                self.assertEqual(record.content_hash.hex(), vector["contentHash"])
                self.assertEqual(record.sign_bytes(vector["chainId"]).hex(), vector["signBytes"])
                self.assertEqual(record.signature.hex(), vector["signature"])
                self.assertEqual(record.canonical().hex(), vector["canonical"])

    def test_invalid_vectors_differ_from_every_valid_one(self):
        valid = {v["signed"] for v in self.vectors["transactions"]}
        for vector in self.vectors["invalidTransactions"]:
            self.assertNotIn(vector["signed"], valid)
            self.assertIn(vector["error"], {"malformed", "badSignature"})


if __name__ == "__main__":
    unittest.main()
