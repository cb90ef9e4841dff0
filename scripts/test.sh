#!/usr/bin/env bash
# Every test: set-up, formatting, lints (warnings are errors), then all unit,
# integration, doc and lit tests of the workspace. Stops at the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/devnull.sh
source scripts/lib/devnull.sh
ensure_dev_null

bash scripts/setup.sh

echo "== cargo fmt --all -- --check"
ensure_dev_null
cargo fmt --all -- --check

echo "== cargo clippy --workspace --all-targets -- -D warnings"
ensure_dev_null
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test --workspace"
ensure_dev_null
cargo test --workspace
