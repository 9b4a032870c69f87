"""Against a real node: starts `hmn start` on a fresh one-validator testnet, funds a new key from the
faucet, submits a transfer and memory records through the HTTP API, and sees them committed and
searchable. Needs HMN_BIN (the built `hmn` executable); skipped without it."""

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from hmn_client import Key, MemoryProof, MemoryRecord, NodeClient, NodeError, Transaction, Transfer, blake2b256

HMN_BIN = os.environ.get("HMN_BIN")
CHAIN_ID = "hmn-python"


def free_port_pair() -> int:
    """A port P with P and P + 1 free (the testnet's P2P and HTTP ports)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


@unittest.skipUnless(HMN_BIN, "set HMN_BIN to the hmn executable")
class NodeTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="hmn-python-")
        port = free_port_pair()
        subprocess.run(
            [HMN_BIN, "testnet", "init", "--validators", "1", "--dir", cls.directory, "--base-port", str(port),
             "--chain-id", CHAIN_ID, "--base-epoch-milliseconds", "200"],
            check=True, stdout=subprocess.DEVNULL)
        cls.log = open(os.path.join(cls.directory, "node.log"), "wb")
        cls.node = subprocess.Popen(
            [HMN_BIN, "start", "--home", os.path.join(cls.directory, "node0")], stdout=cls.log, stderr=cls.log)
        cls.client = NodeClient(f"http://127.0.0.1:{port + 1}")
        with open(os.path.join(cls.directory, "node0", "config.json"), encoding="utf-8") as handle:
            cls.dimension = json.load(handle)["vectorDimension"]
        with open(os.path.join(cls.directory, "faucet_key"), encoding="utf-8") as handle:
            cls.faucet = Key.from_hex(handle.read())
        deadline = time.monotonic() + 30
        while True:
            try:
                if cls.client.status()["height"] >= 1:
                    break
            except (OSError, NodeError):
                pass
            if time.monotonic() > deadline or cls.node.poll() is not None:
                cls.tearDownClass()
                raise RuntimeError("the node did not start; see its log")
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.node.terminate()
        try:
            cls.node.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.node.kill()
        cls.log.close()
        shutil.rmtree(cls.directory, ignore_errors=True)

    def fund(self, amount: int) -> Key:
        """A new key, paid `amount` by the faucet, committed."""
        key = Key(os.urandom(32))
        nonce = self.client.account(self.faucet.public)["nonce"]
        signed = Transaction(CHAIN_ID, self.faucet.public, nonce, Transfer(key.public, amount)).sign(self.faucet)
        accepted = self.client.submit(signed.hex())
        self.assertEqual(accepted["id"], signed.id.hex())
        self.client.wait_for_commit(signed.id)
        return key

    def test_transfer_is_committed_with_a_valid_proof(self):
        user = self.fund(1_000)
        self.assertEqual(self.client.account(user.public)["balance"], 1_000)
        recipient = Key(os.urandom(32)).public
        signed = Transaction(CHAIN_ID, user.public, 0, Transfer(recipient, 40)).sign(user)
        self.client.submit(signed.hex())
        committed = self.client.wait_for_commit(signed.id)
        self.assertTrue(committed["proofValid"])
        self.assertEqual(committed["result"]["code"], 0)
        self.assertEqual(committed["transaction"]["tx"], signed.hex())
        self.assertEqual(committed["transaction"]["amount"], 40)
        self.assertEqual(self.client.account(recipient)["balance"], 40)
        self.assertEqual(self.client.account(user.public)["nonce"], 1)

    def test_submit_with_a_wait_answers_with_the_committed_record(self):
        user = self.fund(100)
        recipient = Key(os.urandom(32)).public
        signed = Transaction(CHAIN_ID, user.public, 0, Transfer(recipient, 30)).sign(user)
        answer = self.client.submit(signed.hex(), wait_ms=4_000)
        self.assertEqual((answer["id"], answer["status"]), (signed.id.hex(), "committed"))
        self.assertTrue(answer["record"]["proofValid"])
        self.assertEqual(answer["record"]["transaction"]["tx"], signed.hex())
        self.assertEqual(answer["record"], self.client.transaction(signed.id))
        self.assertEqual(self.client.account(recipient)["balance"], 30)
        with self.assertRaises(NodeError) as refused:
            self.client._call("POST", "/v1/transactions?waitMilliseconds=soon", {"tx": signed.hex()})
        self.assertEqual((refused.exception.status, refused.exception.field), (400, "waitMilliseconds"))

    def test_a_batch_admits_consecutive_nonces_and_refuses_only_its_bad_item(self):
        user = self.fund(100)
        recipient = Key(os.urandom(32)).public
        good = [Transaction(CHAIN_ID, user.public, n, Transfer(recipient, 10)).sign(user) for n in range(3)]
        answer = self.client.submit_batch([good[0].hex(), "not hex", good[1].hex(), good[2].hex()])
        self.assertEqual((answer["accepted"], answer["rejected"]), (3, 1))
        self.assertEqual([r["status"] for r in answer["results"]], ["pending", "rejected", "pending", "pending"])
        self.assertEqual(answer["results"][1]["error"]["field"], "txs[1]")
        self.client.wait_for_commit(good[2].id)
        self.assertEqual(self.client.account(recipient)["balance"], 30)

    def test_bad_transactions_get_typed_errors(self):
        user = self.fund(100)
        cases = {
            "wrongChain": Transaction("another-chain", user.public, 0, Transfer(self.faucet.public, 1)).sign(user).hex(),
            "malformed": Transaction(CHAIN_ID, user.public, 0, Transfer(self.faucet.public, 1)).sign(user).hex() + "00",
        }
        tampered = Transaction(CHAIN_ID, user.public, 0, Transfer(self.faucet.public, 1)).sign(user)
        tampered.signature = bytes([tampered.signature[0] ^ 1]) + tampered.signature[1:]
        cases["badSignature"] = tampered.hex()
        for code, signed_hex in cases.items():
            with self.subTest(code):
                with self.assertRaises(NodeError) as caught:
                    self.client.submit(signed_hex)
                self.assertEqual((caught.exception.status, caught.exception.code), (400, code))
        # Nothing was lost or half-applied: the nonce is still 0 and the right transaction goes through.
        good = Transaction(CHAIN_ID, user.public, 0, Transfer(self.faucet.public, 1)).sign(user)
        self.client.submit(good.hex())
        self.client.wait_for_commit(good.id)
        with self.assertRaises(NodeError) as replay:
            self.client.submit(Transaction(CHAIN_ID, user.public, 0, Transfer(self.faucet.public, 2)).sign(user).hex())
        self.assertEqual(replay.exception.code, "rejected")

    def vector(self, seed: int) -> list:
        generator = random.Random(seed)
        return [generator.uniform(-1, 1) for _ in range(self.dimension)]

    def test_memory_records_are_stored_searchable_and_a_critical_proof_is_committed(self):
        author = Key(os.urandom(32))
        plain = MemoryRecord(
            id=blake2b256(b"python plain " + os.urandom(8)), vector=self.vector(1), author=author.public,
            payload=b"written from Python", importance_ppm=400_000).signed(CHAIN_ID, author)
        put = self.client.put_memory(plain.to_json())
        self.assertEqual(put["contentHash"], plain.content_hash.hex())
        self.assertFalse(put["proofSubmitted"])
        # The answer says where the record lives; the node's map lists that shard with those replicas.
        shards = {shard["id"]: shard for shard in self.client.mesh_shards()["shards"]}
        self.assertEqual(shards[put["shard"]]["replicas"], put["replicas"])

        now = int(time.time() * 1000)
        critical = MemoryRecord(
            id=blake2b256(b"python critical " + os.urandom(8)), vector=self.vector(2), author=author.public,
            payload=b"a critical memory", created_at_ms=now, last_access_ms=now, importance_ppm=950_000)
        critical.proof = MemoryProof(critical.id, critical.content_hash, author.public, now, 900_000).signed(
            CHAIN_ID, author)
        critical.signed(CHAIN_ID, author)
        put = self.client.put_memory(critical.to_json())
        self.assertEqual(put["contentHash"], critical.content_hash.hex())
        self.assertTrue(put["proofSubmitted"])

        for record in (plain, critical):
            hits = self.client.search_memory(record.vector, k=1)["hits"]
            self.assertEqual(hits[0]["record"]["id"], record.id.hex())
            every = self.client.search_memory(record.vector, k=1, all_shards=True)
            self.assertEqual(every["hits"][0]["record"]["id"], record.id.hex())
            self.assertEqual(every["routing"]["mode"], "all")
            stored = self.client.memory_record(record.id)
            self.assertEqual(stored["contentHash"], record.content_hash.hex())

        deadline = time.monotonic() + 30
        while (status := self.client.memory_proof(critical.id))["status"] != "committed":
            self.assertLess(time.monotonic(), deadline, "the memory proof was not committed")
            time.sleep(0.1)
        self.assertEqual(status["proof"]["proofId"], critical.proof.proof_id.hex())
        self.assertGreaterEqual(status["committedHeight"], 1)

        # A proof over other content is refused and nothing is stored.
        forged = MemoryRecord(id=blake2b256(b"python forged " + os.urandom(8)), vector=self.vector(3),
                              author=author.public, importance_ppm=950_000, created_at_ms=now, last_access_ms=now)
        forged.proof = MemoryProof(forged.id, critical.content_hash, author.public, now, 900_000).signed(
            CHAIN_ID, author)
        forged.signed(CHAIN_ID, author)
        with self.assertRaises(NodeError) as caught:
            self.client.put_memory(forged.to_json())
        self.assertEqual(caught.exception.status, 400)
        with self.assertRaises(NodeError) as missing:
            self.client.memory_record(forged.id)
        self.assertEqual(missing.exception.status, 404)

        # Unsigned, signed by someone else, or a "newer version" of the author's record by another
        # key: refused with badSignature or rejected, and the stored record stays the author's.
        unsigned = MemoryRecord(id=blake2b256(b"python unsigned " + os.urandom(8)), vector=self.vector(4),
                                author=author.public)
        impostor = Key(os.urandom(32))
        stolen = MemoryRecord(id=blake2b256(b"python stolen " + os.urandom(8)), vector=self.vector(5),
                              author=author.public)
        stolen.signature = impostor.sign(stolen.sign_bytes(CHAIN_ID))
        for bad in (unsigned, stolen):
            with self.assertRaises(NodeError) as refused:
                self.client.put_memory(bad.to_json())
            self.assertEqual(refused.exception.code, "badSignature")
        overwrite = MemoryRecord(id=plain.id, vector=self.vector(6), author=impostor.public, version=2,
                                 payload=b"not the author's").signed(CHAIN_ID, impostor)
        with self.assertRaises(NodeError) as taken:
            self.client.put_memory(overwrite.to_json())
        self.assertEqual(taken.exception.code, "rejected")
        self.assertEqual(self.client.memory_record(plain.id)["contentHash"], plain.content_hash.hex())

        # A vector of the wrong dimension is a typed error.
        wrong = MemoryRecord(id=blake2b256(b"python wrong"), vector=[1.0, 0.0], author=author.public)
        with self.assertRaises(NodeError) as dimension:
            self.client.put_memory(wrong.to_json())
        self.assertEqual(dimension.exception.code, "invalidVector")


if __name__ == "__main__":
    unittest.main()
