#!/usr/bin/env bash
# The main job: build the tools and run the MLP example (examples/mlp.mlir)
# through the whole pipeline (-O2: eqsat, fusion, lowering to loops, loop
# optimizations) on the LLVM JIT with the input examples/mlp/x.npy, printing
# the results, then timing 100 calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/devnull.sh
source scripts/lib/devnull.sh
ensure_dev_null

example=examples/mlp.mlir
input=examples/mlp/x.npy

bash scripts/setup.sh

for file in "$example" "$input"; do
    if [ ! -f "$file" ]; then
        echo "main: $file does not exist yet; the MLP example (examples/mlp.mlir and its input examples/mlp/x.npy) has to be added first" >&2
        exit 1
    fi
done

cargo build -p tessera-tools --bins

bin_dir="${CARGO_TARGET_DIR:-target}/debug"
echo "== tensor-run $example --input $input --bench 100   (backend: llvm, pipeline: -O2)"
"$bin_dir/tensor-run" "$example" --input "$input" --bench 100
