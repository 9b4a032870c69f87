"""HMN client for Python: builds and signs transactions from Docs/WIRE_FORMAT.md and talks to a node."""

from .client import NodeClient, NodeError
from .wire import (
    Bond,
    Key,
    MemoryProof,
    MemoryProofBody,
    MemoryRecord,
    MintT0,
    MintT1,
    ShardMapProposal,
    SignedTransaction,
    Transaction,
    Transfer,
    Unbond,
    blake2b256,
    f32_bits,
)

__all__ = [
    "Bond", "Key", "MemoryProof", "MemoryProofBody", "MemoryRecord", "MintT0", "MintT1", "NodeClient",
    "NodeError", "ShardMapProposal", "SignedTransaction", "Transaction", "Transfer", "Unbond", "blake2b256", "f32_bits",
]
