//! Oracle tests for the interpreter kernels: every case of
//! `tests/fixtures/interp/manifest.txt` (inputs and NumPy float64-then-cast
//! references, made by `make_fixtures.py`) is run through the kernel of its
//! op and compared with the spec's tolerance. One test runs them all and
//! reports every failing case; another checks that every op of the spec has
//! at least one case.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use tessera_dialects::interp::kernels::{
    self as k, BinaryOp, CmpPredicate, PoolKind, ReduceOp, UnaryOp,
};
use tessera_dialects::interp::value::{ElemType, Tensor};
use tessera_runtime::npy::read_npy;

/// Every op of `graph-dialect.md` that computes values (without the prefix).
const SPEC_OPS: &[&str] = &[
    "neg",
    "abs",
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "reciprocal",
    "tanh",
    "sigmoid",
    "relu",
    "gelu",
    "erf",
    "sin",
    "cos",
    "floor",
    "ceil",
    "square",
    "add",
    "sub",
    "mul",
    "div",
    "max",
    "min",
    "pow",
    "cmp",
    "select",
    "cast",
    "reshape",
    "transpose",
    "broadcast_to",
    "concat",
    "slice",
    "pad",
    "gather",
    "reduce_sum",
    "reduce_max",
    "reduce_min",
    "reduce_mean",
    "reduce_prod",
    "argmax",
    "softmax",
    "log_softmax",
    "matmul",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "layer_norm",
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/interp")
}

/// One manifest line.
struct Case {
    name: String,
    attrs: HashMap<String, String>,
}

impl Case {
    fn get(&self, key: &str) -> Result<&str, String> {
        self.attrs
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| format!("missing attribute '{key}'"))
    }

    fn ints(&self, key: &str) -> Result<Vec<i64>, String> {
        let v = self.get(key)?;
        if v.is_empty() {
            return Ok(vec![]);
        }
        v.split(',')
            .map(|s| {
                s.parse()
                    .map_err(|e| format!("{key}: bad integer '{s}': {e}"))
            })
            .collect()
    }

    fn usizes(&self, key: &str) -> Result<Vec<usize>, String> {
        self.ints(key)?
            .into_iter()
            .map(|v| usize::try_from(v).map_err(|e| format!("{key}: {e}")))
            .collect()
    }

    fn int(&self, key: &str) -> Result<i64, String> {
        self.get(key)?.parse().map_err(|e| format!("{key}: {e}"))
    }

    fn float(&self, key: &str) -> Result<f64, String> {
        self.get(key)?.parse().map_err(|e| format!("{key}: {e}"))
    }

    fn flag(&self, key: &str) -> Result<bool, String> {
        match self.get(key)? {
            "true" => Ok(true),
            "false" => Ok(false),
            v => Err(format!("{key}: expected true or false, got '{v}'")),
        }
    }
}

fn read_manifest() -> Vec<Case> {
    let path = fixtures_dir().join("manifest.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut cases = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default().to_string();
        let attrs = words
            .map(|w| {
                let (k, v) = w
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{name}: '{w}' is not KEY=VALUE"));
                (k.to_string(), v.to_string())
            })
            .collect();
        cases.push(Case { name, attrs });
    }
    cases
}

/// Runs the kernel of `case`'s op on `ins`.
fn eval(case: &Case, ins: &[Tensor]) -> Result<Tensor, String> {
    let op = case.get("op")?;
    let arity = |n: usize| -> Result<(), String> {
        if ins.len() == n {
            Ok(())
        } else {
            Err(format!("{op} takes {n} inputs, the case has {}", ins.len()))
        }
    };
    let r = if let Some(u) = UnaryOp::from_name(op) {
        arity(1)?;
        k::unary(u, &ins[0])
    } else if let Some(b) = BinaryOp::from_name(op) {
        arity(2)?;
        k::binary(b, &ins[0], &ins[1])
    } else if let Some(r) = ReduceOp::from_name(op) {
        arity(1)?;
        k::reduce(r, &ins[0], &case.ints("axes")?, case.flag("keepdims")?)
    } else if let Some(p) = PoolKind::from_name(op) {
        arity(1)?;
        k::pool2d(
            p,
            &ins[0],
            &case.ints("kernel")?,
            &case.ints("strides")?,
            &case.ints("padding")?,
        )
    } else {
        match op {
            "cmp" => {
                arity(2)?;
                let p = case.get("predicate")?;
                let p = CmpPredicate::from_name(p).ok_or_else(|| format!("bad predicate {p}"))?;
                k::cmp(p, &ins[0], &ins[1])
            }
            "select" => {
                arity(3)?;
                k::select(&ins[0], &ins[1], &ins[2])
            }
            "cast" => {
                arity(1)?;
                let to = case.get("to")?;
                k::cast(
                    &ins[0],
                    ElemType::from_name(to).ok_or_else(|| format!("bad type {to}"))?,
                )
            }
            "reshape" => {
                arity(1)?;
                k::reshape(&ins[0], &case.usizes("shape")?)
            }
            "transpose" => {
                arity(1)?;
                k::transpose(&ins[0], &case.ints("perm")?)
            }
            "broadcast_to" => {
                arity(1)?;
                k::broadcast_to(&ins[0], &case.usizes("shape")?)
            }
            "concat" => {
                let refs: Vec<&Tensor> = ins.iter().collect();
                k::concat(&refs, case.int("axis")?)
            }
            "slice" => {
                arity(1)?;
                k::slice(
                    &ins[0],
                    &case.ints("starts")?,
                    &case.ints("limits")?,
                    &case.ints("strides")?,
                )
            }
            "pad" => {
                arity(1)?;
                k::pad(
                    &ins[0],
                    &case.ints("low")?,
                    &case.ints("high")?,
                    case.float("value")?,
                )
            }
            "gather" => {
                arity(2)?;
                k::gather(&ins[0], &ins[1], case.int("axis")?)
            }
            "argmax" => {
                arity(1)?;
                k::argmax(&ins[0], case.int("axis")?, case.flag("keepdims")?)
            }
            "softmax" => {
                arity(1)?;
                k::softmax(&ins[0], case.int("axis")?)
            }
            "log_softmax" => {
                arity(1)?;
                k::log_softmax(&ins[0], case.int("axis")?)
            }
            "matmul" => {
                arity(2)?;
                k::matmul(&ins[0], &ins[1])
            }
            "conv2d" => {
                arity(2)?;
                k::conv2d(
                    &ins[0],
                    &ins[1],
                    &case.ints("strides")?,
                    &case.ints("padding")?,
                    &case.ints("dilations")?,
                    case.int("groups")?,
                )
            }
            "batch_norm" => {
                arity(5)?;
                k::batch_norm(
                    &ins[0],
                    &ins[1],
                    &ins[2],
                    &ins[3],
                    &ins[4],
                    case.float("epsilon")?,
                )
            }
            "layer_norm" => {
                arity(3)?;
                k::layer_norm(
                    &ins[0],
                    &ins[1],
                    &ins[2],
                    case.int("axis")?,
                    case.float("epsilon")?,
                )
            }
            other => return Err(format!("unknown op '{other}'")),
        }
    };
    r.map_err(|e| format!("kernel error: {e}"))
}

/// The spec's tolerance for a tolerance class and result element type:
/// f32 within 1e-5 relative + 1e-6 absolute, reductions within 1e-4
/// relative; f64 results (computed in f64 on both sides) much tighter.
fn tolerance(class: &str, elem: ElemType) -> Result<(f64, f64), String> {
    Ok(match (class, elem) {
        ("exact", _) => (0.0, 0.0),
        ("ew", ElemType::F32) => (1e-5, 1e-6),
        ("red", ElemType::F32) => (1e-4, 1e-6),
        ("ew", ElemType::F64) => (1e-12, 1e-15),
        ("red", ElemType::F64) => (1e-10, 1e-12),
        (c, e) => return Err(format!("tolerance class '{c}' does not apply to {e}")),
    })
}

fn run_case(case: &Case) -> Result<(), String> {
    let dir = fixtures_dir();
    let ins = case
        .get("in")?
        .split(',')
        .map(|f| read_npy(&dir.join(f)).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let expected = read_npy(&dir.join(case.get("out")?)).map_err(|e| e.to_string())?;
    let got = eval(case, &ins)?;
    if got.elem_type() != expected.elem_type() {
        return Err(format!(
            "result type {} but expected {}",
            got.type_string(),
            expected.type_string()
        ));
    }
    let (rtol, atol) = tolerance(case.get("tol")?, expected.elem_type())?;
    got.allclose(&expected, rtol, atol)
}

#[test]
fn numpy_oracle_cases() {
    let cases = read_manifest();
    assert!(
        cases.len() > 100,
        "the manifest has only {} cases",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run_case(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_spec_op_has_a_case() {
    let covered: BTreeSet<String> = read_manifest()
        .iter()
        .filter_map(|c| c.attrs.get("op").cloned())
        .collect();
    let missing: Vec<&str> = SPEC_OPS
        .iter()
        .copied()
        .filter(|op| !covered.contains(*op))
        .collect();
    assert!(
        missing.is_empty(),
        "ops without a fixture case: {missing:?}"
    );
    let unknown: Vec<&String> = covered
        .iter()
        .filter(|op| !SPEC_OPS.contains(&op.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases for ops not in the spec: {unknown:?}"
    );
}

#[test]
fn harness_detects_wrong_results() {
    // A perturbed reference must fail, so the oracle test cannot pass vacuously.
    let cases = read_manifest();
    let case = cases
        .iter()
        .find(|c| c.name == "gelu_f32")
        .expect("gelu_f32 case");
    let dir = fixtures_dir();
    let x = read_npy(&dir.join(case.get("in").unwrap())).unwrap();
    let expected = read_npy(&dir.join(case.get("out").unwrap())).unwrap();
    let wrong = k::binary(
        BinaryOp::Mul,
        &expected,
        &Tensor::splat(ElemType::F32, &[], 1.001).unwrap(),
    )
    .unwrap();
    let got = eval(case, &[x]).unwrap();
    assert!(got.allclose(&expected, 1e-5, 1e-6).is_ok());
    assert!(got.allclose(&wrong, 1e-5, 1e-6).is_err());
}
