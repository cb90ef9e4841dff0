#!/usr/bin/env bash
# Runs scripts/bench_compare.py (our backends vs NumPy/OpenBLAS, onnxruntime
# and a gcc-compiled C loop) in a virtualenv of its own, target/bench-venv,
# made on the first run and reused after: numpy, onnx and onnxruntime are
# installed there only when one of them does not import. Everything runs on
# one thread. Arguments go to the Python script (`--help` lists them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/target/bench-venv"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import numpy, onnx, onnxruntime' 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy onnx onnxruntime
fi

# One thread for every library (the script sets these too, before NumPy loads).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$venv/bin/python" "$root/scripts/bench_compare.py" "$@"
