#!/usr/bin/env bash
# Benchmarks (not tests). Builds release binaries and compares, side by side
# in one run, Tessera's tools with upstream MLIR 19 on the same inputs.
#
#   bash scripts/bench.sh            # all benchmarks
#
# 1. canonicalize + cse, parse to print, on a generated function of 100,000
#    arith ops with repeated subexpressions: tensor-opt vs mlir-opt-19.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/devnull.sh
source scripts/lib/devnull.sh
ensure_dev_null
bash scripts/setup.sh
command -v hyperfine >/dev/null || {
  echo "bench: installing hyperfine"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq hyperfine >/dev/null; else sudo apt-get install -y -qq hyperfine >/dev/null; fi
}
cargo build --release -q -p tessera-tools --bins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== canonicalize + cse on 100,000 arith ops (parse to print)"
python3 scripts/gen_arith_bench.py 100000 > "$work/arith100k.mlir"
./target/release/tensor-opt "$work/arith100k.mlir" --canonicalize --cse -o "$work/ours.mlir"
mlir-opt-19 "$work/arith100k.mlir" --canonicalize --cse -o "$work/upstream.mlir"
echo "ops after: tensor-opt $(grep -c ' = arith' "$work/ours.mlir"), mlir-opt-19 $(grep -c ' = arith' "$work/upstream.mlir")"
hyperfine --warmup 2 --runs 10 -N \
  "./target/release/tensor-opt $work/arith100k.mlir --canonicalize --cse -o $work/ours.mlir" \
  "mlir-opt-19 $work/arith100k.mlir --canonicalize --cse -o $work/upstream.mlir" \
  "mlir-opt-19 $work/arith100k.mlir --canonicalize --cse --mlir-disable-threading -o $work/upstream.mlir"
