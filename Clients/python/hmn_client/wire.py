"""HMN's canonical binary encoding, written from Docs/WIRE_FORMAT.md alone (no HMN code).

Integers are fixed-width big-endian, byte strings and strings carry a u32 length prefix,
enums a one-byte tag, optionals a 0/1 tag; fixed-width fields (keys, hashes, signatures)
have no prefix. Hashes are BLAKE2b-256; signatures are Ed25519 (PyNaCl).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Union

import nacl.signing

MAX_CHAIN_ID_BYTES = 64
TX_DOMAIN = "hmn/tx/v1"
MEMORY_PROOF_DOMAIN = "hmn/memory-proof/v1"
MEMORY_PROOF_ID_DOMAIN = b"hmn/memory-proof-id/v1"
MEMORY_CONTENT_DOMAIN = b"HMN/memory-content/v1"
MEMORY_RECORD_DOMAIN = "hmn/memory-record/v1"
FIXED_POINT_SCALE = 1_000_000

TAG_TRANSFER, TAG_MINT, TAG_MEMORY_PROOF, TAG_BOND, TAG_UNBOND, TAG_SHARD_MAP_PROPOSAL = 1, 2, 3, 4, 5, 6
TIER_T0, TIER_T1 = 0, 1


def blake2b256(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


class Encoder:
    """Appends canonical encodings to a byte buffer."""

    def __init__(self) -> None:
        self.out = bytearray()

    def u8(self, value: int) -> "Encoder":
        self.out += struct.pack(">B", value)
        return self

    def u32(self, value: int) -> "Encoder":
        self.out += struct.pack(">I", value)
        return self

    def u64(self, value: int) -> "Encoder":
        self.out += struct.pack(">Q", value)
        return self

    def i64(self, value: int) -> "Encoder":
        self.out += struct.pack(">q", value)
        return self

    def fixed(self, value: bytes, width: int) -> "Encoder":
        if len(value) != width:
            raise ValueError(f"expected {width} bytes, got {len(value)}")
        self.out += value
        return self

    def bytes(self, value: bytes) -> "Encoder":
        self.u32(len(value))
        self.out += value
        return self

    def string(self, value: str) -> "Encoder":
        return self.bytes(value.encode("utf-8"))

    def f32_vector(self, values: List[float]) -> "Encoder":
        self.u32(len(values))
        for v in values:
            self.out += f32_bits(v)
        return self


def f32_bits(value: float) -> bytes:
    """The float32 a number becomes (round to nearest even), as 4 big-endian bytes."""
    return struct.pack(">f", value)


@dataclass(frozen=True)
class Key:
    """An Ed25519 key from its 32-byte seed."""

    seed: bytes

    @property
    def signing_key(self) -> nacl.signing.SigningKey:
        return nacl.signing.SigningKey(self.seed)

    @property
    def public(self) -> bytes:
        return bytes(self.signing_key.verify_key)

    def sign(self, message: bytes) -> bytes:
        return self.signing_key.sign(message).signature

    @staticmethod
    def from_hex(seed_hex: str) -> "Key":
        return Key(bytes.fromhex(seed_hex.strip()))


def fixed_point(value: Union[float, int], *, ppm: bool = False) -> int:
    return int(value) if ppm else round(value * FIXED_POINT_SCALE)


# MARK: Memory proofs


@dataclass
class MemoryProof:
    record_id: bytes
    content_hash: bytes
    author: bytes
    timestamp_ms: int
    rphv_ppm: int
    signature: bytes = b""

    def sign_bytes(self, chain_id: str) -> bytes:
        e = Encoder().string(MEMORY_PROOF_DOMAIN).string(chain_id)
        e.fixed(self.record_id, 32).fixed(self.content_hash, 32).fixed(self.author, 32)
        e.u64(self.timestamp_ms).i64(self.rphv_ppm)
        return bytes(e.out)

    def signed(self, chain_id: str, key: Key) -> "MemoryProof":
        if key.public != self.author:
            raise ValueError("the proof's author must be the signing key")
        self.signature = key.sign(self.sign_bytes(chain_id))
        return self

    @property
    def proof_id(self) -> bytes:
        return blake2b256(MEMORY_PROOF_ID_DOMAIN + self.record_id + self.content_hash)

    def encode(self, e: Encoder) -> None:
        e.fixed(self.record_id, 32).fixed(self.content_hash, 32).fixed(self.author, 32)
        e.u64(self.timestamp_ms).i64(self.rphv_ppm).fixed(self.signature, 64)

    def canonical(self) -> bytes:
        e = Encoder()
        self.encode(e)
        return bytes(e.out)

    def to_json(self) -> dict:
        """The `proof` object of POST /v1/memory."""
        return {
            "recordId": self.record_id.hex(),
            "contentHash": self.content_hash.hex(),
            "author": self.author.hex(),
            "timestampMilliseconds": self.timestamp_ms,
            "rphv": {"ppm": self.rphv_ppm},
            "signature": self.signature.hex(),
        }


# MARK: Transaction bodies


@dataclass
class Transfer:
    recipient: bytes
    amount: int

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_TRANSFER).fixed(self.recipient, 32).u64(self.amount)


@dataclass
class MintT0:
    epoch: int
    amount: int

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_MINT).u8(TIER_T0).u64(self.epoch).u64(self.amount)


@dataclass
class MintT1:
    proof_id: bytes
    amount: int

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_MINT).u8(TIER_T1).fixed(self.proof_id, 32).u64(self.amount)


@dataclass
class MemoryProofBody:
    proof: MemoryProof

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_MEMORY_PROOF)
        self.proof.encode(e)


@dataclass
class Bond:
    amount: int

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_BOND).u64(self.amount)


@dataclass
class Unbond:
    amount: int

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_UNBOND).u64(self.amount)


@dataclass
class ShardMapProposal:
    """A validator's proposal to change the memory shard map; `payload` is the mesh's bytes."""

    payload: bytes

    def encode(self, e: Encoder) -> None:
        e.u8(TAG_SHARD_MAP_PROPOSAL).bytes(self.payload)


Body = Union[Transfer, MintT0, MintT1, MemoryProofBody, Bond, Unbond, ShardMapProposal]


@dataclass
class Transaction:
    """An unsigned transaction; `sign` gives the signed bytes to submit."""

    chain_id: str
    sender: bytes
    nonce: int
    body: Body

    def unsigned(self) -> bytes:
        chain = self.chain_id.encode("utf-8")
        if len(chain) > MAX_CHAIN_ID_BYTES:
            raise ValueError(f"chain id is {len(chain)} bytes, at most {MAX_CHAIN_ID_BYTES}")
        e = Encoder().string(self.chain_id).fixed(self.sender, 32).u64(self.nonce)
        self.body.encode(e)
        return bytes(e.out)

    @property
    def id(self) -> bytes:
        return blake2b256(self.unsigned())

    def sign_bytes(self) -> bytes:
        return bytes(Encoder().string(TX_DOMAIN).out) + self.unsigned()

    def sign(self, key: Key) -> "SignedTransaction":
        if key.public != self.sender:
            raise ValueError("the signing key is not the sender's")
        return SignedTransaction(self, key.sign(self.sign_bytes()))


@dataclass
class SignedTransaction:
    transaction: Transaction
    signature: bytes

    @property
    def id(self) -> bytes:
        return self.transaction.id

    def canonical(self) -> bytes:
        return self.transaction.unsigned() + self.signature

    def hex(self) -> str:
        return self.canonical().hex()


# MARK: Memory records


@dataclass
class MemoryRecord:
    id: bytes
    vector: List[float]
    author: bytes
    payload: bytes = b""
    version: int = 1
    created_at_ms: int = 0
    updated_at_ms: Optional[int] = None
    importance_ppm: int = 500_000
    replica_agreement_ppm: int = 1_000_000
    access_count: int = 0
    last_access_ms: Optional[int] = None
    proof: Optional[MemoryProof] = None
    signature: bytes = b""

    @property
    def content_hash(self) -> bytes:
        e = Encoder().bytes(MEMORY_CONTENT_DOMAIN).fixed(self.id, 32).f32_vector(self.vector)
        e.bytes(self.payload).fixed(self.author, 32).u64(self.version).u64(self.created_at_ms)
        return blake2b256(bytes(e.out))

    def sign_bytes(self, chain_id: str) -> bytes:
        """string("hmn/memory-record/v1") ‖ string(chain) ‖ contentHash ‖ importance ‖ updatedAt."""
        e = Encoder().string(MEMORY_RECORD_DOMAIN).string(chain_id).fixed(self.content_hash, 32)
        e.i64(self.importance_ppm).u64(self.created_at_ms if self.updated_at_ms is None else self.updated_at_ms)
        return bytes(e.out)

    def signed(self, chain_id: str, key: Key) -> "MemoryRecord":
        """Signs the record with its author's key (set the proof first: it is not signed over)."""
        if key.public != self.author:
            raise ValueError("a memory record is signed by its author")
        self.signature = key.sign(self.sign_bytes(chain_id))
        return self

    def canonical(self) -> bytes:
        e = Encoder().fixed(self.id, 32).f32_vector(self.vector).bytes(self.payload).fixed(self.author, 32)
        e.u64(self.version).u64(self.created_at_ms)
        e.u64(self.created_at_ms if self.updated_at_ms is None else self.updated_at_ms)
        e.i64(self.importance_ppm).i64(self.replica_agreement_ppm).u64(self.access_count)
        e.u64(self.created_at_ms if self.last_access_ms is None else self.last_access_ms)
        if self.proof is None:
            e.u8(0)
        else:
            e.u8(1)
            self.proof.encode(e)
        if not self.signature:
            e.u8(0)
        else:
            e.u8(1).fixed(self.signature, 64)
        return bytes(e.out)

    def to_json(self) -> dict:
        """The body of POST /v1/memory."""
        import base64

        body = {
            "id": self.id.hex(),
            "vector": [float(v) for v in self.vector],
            "author": self.author.hex(),
            "payload": base64.b64encode(self.payload).decode("ascii"),
            "version": self.version,
            "createdAtMilliseconds": self.created_at_ms,
            "importance": {"ppm": self.importance_ppm},
            "replicaAgreement": {"ppm": self.replica_agreement_ppm},
            "accessCount": self.access_count,
        }
        if self.updated_at_ms is not None:
            body["updatedAtMilliseconds"] = self.updated_at_ms
        if self.last_access_ms is not None:
            body["lastAccessMilliseconds"] = self.last_access_ms
        if self.proof is not None:
            body["proof"] = self.proof.to_json()
        if self.signature:
            body["signature"] = self.signature.hex()
        return body
