#!/usr/bin/env bash
# The HMNMilvus tests against a real Milvus, as `make test` runs them: start a fresh server
# (Scripts/milvus.sh), run the suite with HMN_MILVUS_URL set (and HMN_MILVUS_CONTROL, so the
# outage test may kill and restart it), stop the server whatever happened.
# A server that does not start fails this script: the tests never skip silently here.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
trap 'Scripts/milvus.sh stop' EXIT
began=$SECONDS
url=$(Scripts/milvus.sh start) || { echo "milvus-test.sh: Milvus did not start; the HMNMilvus tests cannot run" >&2; exit 1; }
echo "milvus-test.sh: Milvus at $url after $((SECONDS - began)) s (install included)"
HMN_MILVUS_URL=$url HMN_MILVUS_CONTROL=$PWD/Scripts/milvus.sh $SWIFT test --skip-build --filter 'HMNMilvusTests|VectorBackendTests'
