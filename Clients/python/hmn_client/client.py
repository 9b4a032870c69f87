"""A small HTTP client for a node's /v1 API (Docs/API.md), on the standard library only."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Optional


class NodeError(Exception):
    """An error answer from the node: HTTP status, the stable `code`, the message and field."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field


class NodeClient:
    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                detail = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                raise NodeError(error.code, "invalidResponse", raw.decode("utf-8", "replace")) from None
            raise NodeError(error.code, detail.get("code", ""), detail.get("message", ""), detail.get("field")) from None

    def status(self) -> dict:
        return self._call("GET", "/v1/status")

    def health(self) -> dict:
        return self._call("GET", "/health")

    def account(self, key: bytes) -> dict:
        return self._call("GET", f"/v1/accounts/{key.hex()}")

    def submit(self, signed_hex: str, wait_ms: int = 0) -> dict:
        """POST /v1/transactions with the hex of the signed bytes; 202 {"id", "status": "pending"}.

        With `wait_ms` (1…30,000, below this client's timeout) the node answers once a block commits
        the transaction: {"id", "status": "committed", "record": {…}}; or "pending" when the time ran out.
        """
        path = "/v1/transactions" + (f"?waitMilliseconds={int(wait_ms)}" if wait_ms > 0 else "")
        return self._call("POST", path, {"tx": signed_hex})

    def submit_batch(self, signed_hexes: list) -> dict:
        """POST /v1/transactions/batch: one result per item, in order; a bad item sinks only itself."""
        return self._call("POST", "/v1/transactions/batch", {"txs": list(signed_hexes)})

    def transaction(self, tx_id: bytes) -> dict:
        return self._call("GET", f"/v1/transactions/{tx_id.hex()}")

    def wait_for_commit(self, tx_id: bytes, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.transaction(tx_id)
            except NodeError as error:
                if error.status != 404 or time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

    def put_memory(self, record_json: dict) -> dict:
        return self._call("POST", "/v1/memory", record_json)

    def memory_record(self, record_id: bytes) -> dict:
        return self._call("GET", f"/v1/memory/{record_id.hex()}")

    def memory_proof(self, record_id: bytes) -> dict:
        return self._call("GET", f"/v1/memory/{record_id.hex()}/proof")

    def search_memory(self, vector: list, k: int = 5, all_shards: bool = False) -> dict:
        """Routed to the optimal shard(s); all_shards asks every shard instead."""
        body = {"vector": vector, "k": k}
        if all_shards:
            body["allShards"] = True
        return self._call("POST", "/v1/memory/search", body)

    def mesh_shards(self) -> dict:
        """The shard map this node routes by, each shard's replicas and this node's counts."""
        return self._call("GET", "/v1/mesh/shards")
