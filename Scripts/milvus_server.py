"""Runs the embedded Milvus standalone server of PyPI's `milvus` package in the foreground.

Scripts/milvus.sh starts this in the background. Arguments: data directory, first proxy port to
try (the next free one is taken when it is busy; Milvus's other listeners get free ports too), and
the directory for the state files written once the server answers:

  port         the proxy port (gRPC and REST v1 on one listener)
  milvus.pid   the server process (the child this script supervises)

Three things the package does not do, done here:
- Its embedded etcd always listens on 2379/2380 (etcd's defaults), so a second server on the
  machine dies at startup with a nil etcd client. We hand it an etcd config file with free ports.
- Its start() waits up to 180 s for /healthz even when the server process has already died; we
  start without waiting and watch the process while polling.
- Its port probe lacks SO_REUSEADDR (see try_bind_port below).
SIGTERM or SIGINT stops the server; the script exits when the server does.
"""
import os
import signal
import socket
import sys
import time
import urllib.request

from milvus import MilvusServer, MilvusServerConfig


def try_bind_port(self, port):
    """The package's port probe, with SO_REUSEADDR: without it a port whose server was just killed
    looks taken for a minute (its clients' connections sit in TIME_WAIT), and a restarted server
    moves to another port. Milvus's own listeners set SO_REUSEADDR, as Go does on Linux."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        return sock
    except OSError:
        sock.close()
        return None


MilvusServerConfig.try_bind_port = try_bind_port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_etcd_config(data_dir: str) -> str:
    client, peer = free_port(), free_port()
    path = os.path.join(data_dir, "etcd.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            f"listen-client-urls: http://127.0.0.1:{client}\n"
            f"advertise-client-urls: http://127.0.0.1:{client}\n"
            f"listen-peer-urls: http://127.0.0.1:{peer}\n"
            f"initial-advertise-peer-urls: http://127.0.0.1:{peer}\n"
            f"initial-cluster: default=http://127.0.0.1:{peer}\n"
        )
    return path


def main() -> int:
    # A daemon must not hold its starter's pipes: a caller reading this script's parent's output
    # to the end (a test running Scripts/milvus.sh) would otherwise wait for as long as we run.
    os.closerange(3, 4096)
    data_dir, first_port, state_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(data_dir, exist_ok=True)
    server = MilvusServer(wait_for_started=False)
    server.set_base_dir(data_dir)
    server.listen_port = first_port
    etcd_config = write_etcd_config(data_dir)
    marker = "    embed: true"
    template = server.config.template_text
    if marker not in template:
        print("milvus package template changed: cannot set the etcd config path", flush=True)
        return 1
    line_end = template.index("\n", template.index(marker))
    server.config.template_text = (
        template[:line_end] + f"\n  config:\n    path: {etcd_config}" + template[line_end:])

    def stop(*_):
        server.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.monotonic()
    server.start()
    health = f"http://127.0.0.1:{server.webservice_port}/healthz"
    while True:
        if server.server_proc.poll() is not None:
            print(f"milvus exited during startup with {server.server_proc.returncode}", flush=True)
            return 1
        try:
            with urllib.request.urlopen(health, timeout=2) as reply:
                if b"OK" in reply.read():
                    break
        except OSError:
            pass
        if time.monotonic() - started > 170:
            print("milvus not healthy after 170 s", flush=True)
            server.stop()
            return 1
        time.sleep(0.2)
    with open(os.path.join(state_dir, "milvus.pid"), "w", encoding="utf-8") as f:
        f.write(f"{server.server_proc.pid}\n")
    with open(os.path.join(state_dir, "port"), "w", encoding="utf-8") as f:
        f.write(f"{server.listen_port}\n")
    print(f"milvus healthy after {time.monotonic() - started:.1f} s on port {server.listen_port}", flush=True)
    code = server.server_proc.wait()
    print(f"milvus exited with {code}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
