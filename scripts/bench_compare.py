#!/usr/bin/env python3
"""Our backends against external baselines, in one run, on one thread.

    bash scripts/bench_compare.sh            # makes target/bench-venv, then runs this
    bash scripts/bench_compare.sh --help

Measures, on this machine and one thread each:

- NumPy/OpenBLAS sgemm at 64, 256 and 1024 (GFLOP/s);
- relu(a*b + c) over 16M f32: a fused C loop (scripts/bench/fused.c, built
  here with `gcc -O3 -march=native`, best of several runs) and NumPy;
- the example models (MLP batch 1, CNN batch 1, softmax 1000x1000, the
  transformer block) in onnxruntime and in NumPy (float32);
- the same programs through `tensor-run FILE --bench N --backend B` for our
  backends (llvm and cranelift by default), reading its `bench: median <X> us`
  and `compile: <Z> ms` lines; a backend that is not built (exit 2) is "n/a".

The models come from examples/make_examples.py, the one source of truth for
their weights: its `<name>_model()` functions regenerate them from their
seeds, this script builds the ONNX models from them into target/bench/onnx/,
and every baseline's output (and ours) is checked against the committed
examples/<name>/expected.npy before its time is shown. The matmul and
relu(a*b+c) programs are examples/bench/*.mlir; their inputs are written to
target/bench/inputs/.

Times are medians, or minimums with `--stat min` (steadier on a busy
machine); the C loop always reports its best run. Ratios are our time / the
baseline's time: below 1 we are faster.
"""

import os

# One thread everywhere; must be set before NumPy loads OpenBLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
sys.path.insert(0, str(ROOT / "examples"))
import make_examples as mx  # noqa: E402

# The spec's tolerance for results with reductions, against float64 NumPy.
RTOL, ATOL = 1e-4, 1e-6


# ------------------------------------------------------------ timing


# Which statistic of repeated runs is reported: "median" or "min" (--stat).
STAT = "median"


def timeit(fn, min_runs=5, min_seconds=1.0, max_runs=2000):
    """The STAT of fn()'s wall time in microseconds, after one warm-up
    call, over at least min_runs calls and min_seconds."""
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < min_seconds and len(times) < max_runs):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e3)
    return statistics.median(times) if STAT == "median" else min(times)


# Baselines only have to compute the same model: a looser check, since an
# f32 library may sum in another order than the float64 reference.
BASE_RTOL, BASE_ATOL = 1e-3, 1e-5


def close_note(got, expected, rtol=RTOL, atol=ATOL):
    """None if got matches expected within |got - expected| <= atol + rtol |expected|,
    else what is wrong."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"WRONG shape {got.shape}, expected {expected.shape}"
    g, e = got.astype(np.float64), expected.astype(np.float64)
    bad = ~(np.abs(g - e) <= atol + rtol * np.abs(e))
    if bad.any():
        return (
            f"WRONG result (rtol {rtol:g}, atol {atol:g}): {int(bad.sum())} of {e.size} elements off, "
            f"max abs diff {np.abs(g - e).max():.3g}"
        )
    return None


# ------------------------------------------------------------ ONNX models


class OnnxGraph:
    """Collects nodes and initializers of one ONNX graph."""

    def __init__(self):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes, self.inits, self.count = [], [], 0

    def init(self, name, array):
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op, inputs, **attrs):
        self.count += 1
        out = f"{op.lower()}_{self.count}"
        self.nodes.append(self.helper.make_node(op, inputs, [out], **attrs))
        return out

    def model(self, x_shape, out, out_shape):
        import onnx
        from onnx import TensorProto

        h = self.helper
        graph = h.make_graph(
            self.nodes,
            "main",
            [h.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))],
            [h.make_tensor_value_info(out, TensorProto.FLOAT, list(out_shape))],
            initializer=self.inits,
        )
        # Opset 17: LayerNormalization is there, GELU is written with Erf.
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)], producer_name="tessera-bench")
        onnx.checker.check_model(model)
        return model


def onnx_mlp(layers, x):
    g = OnnxGraph()
    h = "x"
    for i, (w, b) in enumerate(layers):
        h = g.node("MatMul", [h, g.init(f"w{i}", w)])
        h = g.node("Add", [h, g.init(f"b{i}", b)])
        if i + 1 < len(layers):
            h = g.node("Relu", [h])
    h = g.node("Softmax", [h], axis=1)
    return g.model(x.shape, h, (x.shape[0], layers[-1][0].shape[1]))


def onnx_cnn(p, x):
    g = OnnxGraph()
    conv = dict(kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[1, 1])
    h = g.node("Conv", ["x", g.init("conv1_w", p["conv1_w"]), g.init("conv1_b", p["conv1_b"])], **conv)
    h = g.node("Relu", [h])
    h = g.node("Conv", [h, g.init("conv2_w", p["conv2_w"]), g.init("conv2_b", p["conv2_b"])], **conv)
    h = g.node("Relu", [h])
    h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Reshape", [h, g.init("flat_shape", np.array([1, -1], np.int64))])
    h = g.node("MatMul", [h, g.init("dense_w", p["dense_w"])])
    h = g.node("Add", [h, g.init("dense_b", p["dense_b"])])
    h = g.node("Softmax", [h], axis=1)
    return g.model(x.shape, h, (1, 10))


def onnx_softmax(x):
    g = OnnxGraph()
    return g.model(x.shape, g.node("Softmax", ["x"], axis=1), x.shape)


def onnx_transformer(p, x):
    s, d, nh, hd = mx.SEQ, mx.DIM, mx.HEADS, mx.HEAD_DIM
    g = OnnxGraph()
    c = {name: g.init(name, a) for name, a in p.items()}
    split = g.init("split_shape", np.array([s, nh, hd], np.int64))
    merge = g.init("merge_shape", np.array([s, d], np.int64))
    sqrt_d = g.init("sqrt_d", np.array(np.sqrt(hd), np.float32))
    sqrt_2 = g.init("sqrt_2", np.array(np.sqrt(2.0), np.float32))
    one = g.init("one", np.array(1.0, np.float32))
    half = g.init("half", np.array(0.5, np.float32))

    def ln(v, n):
        return g.node("LayerNormalization", [v, c[f"ln{n}_scale"], c[f"ln{n}_bias"]], axis=-1, epsilon=mx.LN_EPS)

    def dense(v, w, b):
        return g.node("Add", [g.node("MatMul", [v, c[w]]), c[b]])

    h = ln("x", 1)
    q = g.node("Transpose", [g.node("Reshape", [dense(h, "wq", "bq"), split])], perm=[1, 0, 2])
    kt = g.node("Transpose", [g.node("Reshape", [dense(h, "wk", "bk"), split])], perm=[1, 2, 0])
    v = g.node("Transpose", [g.node("Reshape", [dense(h, "wv", "bv"), split])], perm=[1, 0, 2])
    a = g.node("Softmax", [g.node("Div", [g.node("MatMul", [q, kt]), sqrt_d])], axis=2)
    ctx = g.node("Reshape", [g.node("Transpose", [g.node("MatMul", [a, v])], perm=[1, 0, 2]), merge])
    r = g.node("Add", ["x", dense(ctx, "wo", "bo")])
    f = dense(ln(r, 2), "w1", "b1")
    erf = g.node("Erf", [g.node("Div", [f, sqrt_2])])
    f = g.node("Mul", [g.node("Mul", [f, g.node("Add", [erf, one])]), half])
    y = g.node("Add", [r, dense(f, "w2", "b2")])
    return g.model(x.shape, y, (s, d))


def ort_session(model, path):
    import onnx
    import onnxruntime as ort

    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


# ------------------------------------------------------------ benchmarks


@dataclass
class Baseline:
    """One external measurement of a benchmark."""

    label: str
    us: float
    rate: str = ""
    note: str = ""


@dataclass
class Ours:
    """One `tensor-run --bench` of a benchmark on one backend."""

    us: float | None = None
    compile_ms: float | None = None
    note: str = ""


@dataclass
class Bench:
    """A program for tensor-run, its inputs, the reference for its result,
    and the baselines measured for it."""

    name: str
    mlir: Path
    inputs: list
    expected: np.ndarray
    runs: int
    baselines: list = field(default_factory=list)
    ours: dict = field(default_factory=dict)


def save_input(name, array):
    path = WORK / "inputs" / f"{name}.npy"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array)
    return path


def sgemm_benches(sizes):
    rng = np.random.default_rng(7)
    out = []
    for n in sizes:
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        c = np.empty((n, n), np.float32)
        med = timeit(lambda: np.matmul(a, b, out=c))
        expected = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
        bench = Bench(
            f"sgemm {n}",
            ROOT / "examples" / "bench" / f"matmul_{n}.mlir",
            [save_input(f"matmul_{n}_a", a), save_input(f"matmul_{n}_b", b)],
            expected,
            runs=20 if n < 1024 else 5,
        )
        gflops = 2.0 * n**3 / med / 1e3
        bench.baselines.append(Baseline("numpy/OpenBLAS", med, f"{gflops:.1f} GFLOP/s", close_note(c, expected, BASE_RTOL, BASE_ATOL)))
        out.append(bench)
    return out


def build_fused():
    exe = WORK / "fused"
    WORK.mkdir(parents=True, exist_ok=True)
    cmd = ["gcc", "-O3", "-march=native", "-o", str(exe), str(ROOT / "scripts" / "bench" / "fused.c")]
    subprocess.run(cmd, check=True)
    return exe


def fma_bench(n=1 << 24):
    rng = np.random.default_rng(8)
    a, b, c = (rng.uniform(-1.0, 1.0, n).astype(np.float32) for _ in range(3))
    expected = np.maximum(a.astype(np.float64) * b + c, 0.0).astype(np.float32)
    bench = Bench(
        "relu(a*b+c) 16M",
        ROOT / "examples" / "bench" / "fma_relu_16m.mlir",
        [save_input(f"fma_{k}", v) for k, v in (("a", a), ("b", b), ("c", c))],
        expected,
        runs=10,
    )
    gbs = lambda us: f"{16.0 * n / us / 1e3:.1f} GB/s"  # noqa: E731 (3 loads + 1 store)
    line = subprocess.run([str(build_fused()), str(n), "10"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"best ([0-9.]+) us", line)
    if m is None:
        raise SystemExit(f"bench_compare: unexpected output from fused: {line!r}")
    best = float(m.group(1))
    bench.baselines.append(Baseline("C gcc -O3 -march=native (best)", best, gbs(best)))
    got = None

    def numpy_fma():
        nonlocal got
        got = np.maximum(a * b + c, np.float32(0.0))

    med = timeit(numpy_fma)
    bench.baselines.append(Baseline("numpy (3 passes)", med, gbs(med), close_note(got, expected, BASE_RTOL, BASE_ATOL)))
    return bench


def model_benches():
    """The four example models: (name, tensor-run runs, x, expected, numpy fn, onnx model)."""
    ex = ROOT / "examples"
    out = []

    def load(name):
        return np.load(ex / name / "x.npy"), np.load(ex / name / "expected.npy")

    layers, x = mx.mlp_model()
    out.append(("mlp", "mlp 784-512-512-10", 50, lambda x: mx.mlp_forward(layers, x, np.float32), onnx_mlp(layers, x), x))
    p_cnn, x = mx.cnn_model()
    out.append(("cnn", "cnn 28x28", 50, lambda x: mx.cnn_forward(p_cnn, x, np.float32), onnx_cnn(p_cnn, x), x))
    x = mx.softmax_model()
    out.append(("softmax", "softmax 1000x1000", 20, lambda x: mx.softmax_forward(x, np.float32), onnx_softmax(x), x))
    p_tr, x = mx.transformer_model()
    out.append(
        ("transformer", "transformer 128x512", 10, lambda x: mx.transformer_forward(p_tr, x, np.float32), onnx_transformer(p_tr, x), x)
    )

    benches = []
    for key, title, runs, numpy_fn, model, x_made in out:
        x, expected = load(key)
        if not np.array_equal(x, x_made):
            raise SystemExit(f"bench_compare: examples/{key}/x.npy differs from make_examples.py; rerun it")
        bench = Bench(title, ex / f"{key}.mlir", [ex / key / "x.npy"], expected, runs)
        sess = ort_session(model, WORK / "onnx" / f"{key}.onnx")
        feed = {"x": x}
        got = sess.run(None, feed)[0]
        med = timeit(lambda: sess.run(None, feed))
        bench.baselines.append(Baseline("onnxruntime", med, "", close_note(got, expected, BASE_RTOL, BASE_ATOL)))
        got = numpy_fn(x)
        med = timeit(lambda: numpy_fn(x))
        # NumPy's float32 GELU uses a polynomial erf (see make_examples.erf).
        bench.baselines.append(Baseline("numpy", med, "", close_note(got, expected, BASE_RTOL, BASE_ATOL)))
        benches.append(bench)
    return benches


# ------------------------------------------------------------ ours


def build_tensor_run():
    cmd = ["cargo", "build", "--release", "-q", "-p", "tessera-tools", "--bin", "tensor-run"]
    print("building:", " ".join(cmd), file=sys.stderr)
    r = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        return None
    return ROOT / "target" / "release" / "tensor-run"


def run_ours(tensor_run, bench, backend, timeout):
    out_dir = WORK / "out" / f"{bench.mlir.stem}-{backend}"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "0.npy").unlink(missing_ok=True)
    cmd = [str(tensor_run), str(bench.mlir), "--backend", backend, "--bench", str(bench.runs), "--output-dir", str(out_dir)]
    for path in bench.inputs:
        cmd += ["--input", str(path)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Ours(note=f"timed out after {timeout} s")
    first_err = (r.stderr.strip().splitlines() or [""])[0]
    if r.returncode == 2:
        return Ours(note=f"n/a: {first_err}")
    if r.returncode != 0:
        return Ours(note=f"error (exit {r.returncode}): {first_err}")
    text = r.stdout + r.stderr
    med = re.search(rf"bench:.*\b{STAT} ([0-9.]+) us", text)
    comp = re.search(r"compile: ([0-9.]+) ms", text)
    if med is None:
        return Ours(note=f"no '{STAT}' in a 'bench:' line of tensor-run's output")
    note = close_note(np.load(out_dir / "0.npy"), bench.expected) if (out_dir / "0.npy").exists() else "no result written"
    return Ours(float(med.group(1)), float(comp.group(1)) if comp else None, note or "")


# ------------------------------------------------------------ report


def fmt_us(us):
    if us is None:
        return "n/a"
    if us < 1e3:
        return f"{us:.1f} us"
    if us < 1e6:
        return f"{us / 1e3:.2f} ms"
    return f"{us / 1e6:.2f} s"


def table(header, rows, markdown):
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def machine_info(tensor_run):
    import onnxruntime as ort

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "?"
    try:
        b = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{b['name']} {b['version']}"
    except (TypeError, KeyError):
        pass
    gcc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, load average {load}",
        f"numpy {np.__version__} ({blas}), onnxruntime {ort.__version__}, {gcc}",
        f"tensor-run: {tensor_run or 'not run'}",
        "one thread everywhere (OPENBLAS/OMP_NUM_THREADS=1, onnxruntime intra/inter_op_num_threads=1)",
    ]


def report(benches, backends, tensor_run, markdown):
    print("\n".join(machine_info(tensor_run)))
    print(f"times: {STAT} of repeated runs (the C loop: best of 10); ratio = our time / baseline time (below 1: we are faster)\n")
    header = ["benchmark", "baseline", "time", "rate"]
    for b in backends:
        header += [b, f"{b} / base"]
    rows, notes = [], []
    for bench in benches:
        for base in bench.baselines:
            row = [bench.name, base.label, fmt_us(base.us), base.rate]
            for b in backends:
                ours = bench.ours.get(b, Ours(note="not run"))
                ratio = "n/a" if ours.us is None else f"{ours.us / base.us:.2f}"
                row += [fmt_us(ours.us), ratio]
            rows.append(row)
            if base.note:
                notes.append(f"{bench.name}, {base.label}: {base.note}")
        for b in backends:
            ours = bench.ours.get(b)
            if ours and ours.note and not ours.note.startswith("n/a"):
                notes.append(f"{bench.name}, {b}: {ours.note}")
    print(table(header, rows, markdown))

    print("\ncompile time (tensor-run `compile:` line, -O2)\n")
    header = ["benchmark"] + backends
    rows = []
    for bench in benches:
        row = [bench.name]
        for b in backends:
            ours = bench.ours.get(b)
            row.append("n/a" if ours is None or ours.compile_ms is None else f"{ours.compile_ms:.1f} ms")
        rows.append(row)
    print(table(header, rows, markdown))
    na = sorted({o.note for bench in benches for o in bench.ours.values() if o.note.startswith("n/a")})
    for n in na:
        print(n)
    if notes:
        print("\nnotes:")
        for n in notes:
            print("  " + n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="llvm,cranelift", help="our backends to run, comma-separated (default llvm,cranelift; interp works too)")
    ap.add_argument("--tensor-run", type=Path, help="the tensor-run binary (default: build the release one with cargo)")
    ap.add_argument("--no-ours", action="store_true", help="measure only the baselines")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for each tensor-run (default 600)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    ap.add_argument("--stat", choices=["median", "min"], default="median", help="report the median (default) or the minimum of repeated runs")
    args = ap.parse_args()
    global STAT
    STAT = args.stat
    backends = [b for b in args.backends.split(",") if b]

    print("measuring baselines ...", file=sys.stderr)
    benches = sgemm_benches([64, 256, 1024]) + [fma_bench()] + model_benches()

    tensor_run = None
    if not args.no_ours:
        tensor_run = args.tensor_run or build_tensor_run()
        if tensor_run is None:
            print("bench_compare: building tensor-run failed; ours are n/a", file=sys.stderr)
    for bench in benches:
        for b in backends:
            if tensor_run is None:
                bench.ours[b] = Ours(note="n/a: tensor-run not run")
            else:
                print(f"tensor-run {bench.mlir.relative_to(ROOT)} --backend {b} ...", file=sys.stderr)
                bench.ours[b] = run_ours(tensor_run, bench, b, args.timeout)
    report(benches, backends, tensor_run, args.markdown)


if __name__ == "__main__":
    main()
