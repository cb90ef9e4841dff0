//! Element-wise ops: one operand (`graph.neg` ... `graph.square`) and two
//! operands with NumPy broadcasting (`graph.add` ... `graph.pow`).

use ndarray::{ArrayD, IxDyn, Zip};

use super::{KernelError, Result, checked_num_elements, float_operand, float_result, same_elem};
use crate::interp::value::Tensor;

/// The one-operand element-wise ops. Names are the op names without the
/// `graph.` prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`; integers wrap.
    Neg,
    /// `|x|`; integers wrap (`abs(MIN) = MIN`).
    Abs,
    /// `e^x`.
    Exp,
    /// Natural logarithm.
    Log,
    /// `ln(1 + x)`, accurate near 0.
    Log1p,
    /// `e^x - 1`, accurate near 0.
    Expm1,
    /// Square root.
    Sqrt,
    /// `1 / sqrt(x)`.
    Rsqrt,
    /// `1 / x`.
    Reciprocal,
    /// Hyperbolic tangent.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `max(x, 0)` (NaN stays NaN).
    Relu,
    /// Exact GELU: `0.5 * x * (1 + erf(x / sqrt(2)))`.
    Gelu,
    /// The error function.
    Erf,
    /// Sine.
    Sin,
    /// Cosine.
    Cos,
    /// Round toward negative infinity.
    Floor,
    /// Round toward positive infinity.
    Ceil,
    /// `x * x`; integers wrap.
    Square,
}

impl UnaryOp {
    /// Every unary op.
    pub const ALL: [UnaryOp; 19] = [
        UnaryOp::Neg,
        UnaryOp::Abs,
        UnaryOp::Exp,
        UnaryOp::Log,
        UnaryOp::Log1p,
        UnaryOp::Expm1,
        UnaryOp::Sqrt,
        UnaryOp::Rsqrt,
        UnaryOp::Reciprocal,
        UnaryOp::Tanh,
        UnaryOp::Sigmoid,
        UnaryOp::Relu,
        UnaryOp::Gelu,
        UnaryOp::Erf,
        UnaryOp::Sin,
        UnaryOp::Cos,
        UnaryOp::Floor,
        UnaryOp::Ceil,
        UnaryOp::Square,
    ];

    /// The op name without the `graph.` prefix, e.g. `"log1p"`.
    pub fn name(self) -> &'static str {
        match self {
            UnaryOp::Neg => "neg",
            UnaryOp::Abs => "abs",
            UnaryOp::Exp => "exp",
            UnaryOp::Log => "log",
            UnaryOp::Log1p => "log1p",
            UnaryOp::Expm1 => "expm1",
            UnaryOp::Sqrt => "sqrt",
            UnaryOp::Rsqrt => "rsqrt",
            UnaryOp::Reciprocal => "reciprocal",
            UnaryOp::Tanh => "tanh",
            UnaryOp::Sigmoid => "sigmoid",
            UnaryOp::Relu => "relu",
            UnaryOp::Gelu => "gelu",
            UnaryOp::Erf => "erf",
            UnaryOp::Sin => "sin",
            UnaryOp::Cos => "cos",
            UnaryOp::Floor => "floor",
            UnaryOp::Ceil => "ceil",
            UnaryOp::Square => "square",
        }
    }

    /// The full op name, e.g. `"graph.log1p"`.
    pub fn op_name(self) -> &'static str {
        match self {
            UnaryOp::Neg => "graph.neg",
            UnaryOp::Abs => "graph.abs",
            UnaryOp::Exp => "graph.exp",
            UnaryOp::Log => "graph.log",
            UnaryOp::Log1p => "graph.log1p",
            UnaryOp::Expm1 => "graph.expm1",
            UnaryOp::Sqrt => "graph.sqrt",
            UnaryOp::Rsqrt => "graph.rsqrt",
            UnaryOp::Reciprocal => "graph.reciprocal",
            UnaryOp::Tanh => "graph.tanh",
            UnaryOp::Sigmoid => "graph.sigmoid",
            UnaryOp::Relu => "graph.relu",
            UnaryOp::Gelu => "graph.gelu",
            UnaryOp::Erf => "graph.erf",
            UnaryOp::Sin => "graph.sin",
            UnaryOp::Cos => "graph.cos",
            UnaryOp::Floor => "graph.floor",
            UnaryOp::Ceil => "graph.ceil",
            UnaryOp::Square => "graph.square",
        }
    }

    /// Parses an op name without the `graph.` prefix.
    pub fn from_name(name: &str) -> Option<UnaryOp> {
        UnaryOp::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether the op also accepts `i32`/`i64` operands (`abs`, `neg`,
    /// `relu`, `square`).
    pub fn accepts_int(self) -> bool {
        matches!(
            self,
            UnaryOp::Neg | UnaryOp::Abs | UnaryOp::Relu | UnaryOp::Square
        )
    }

    /// The op on one `f64` value.
    pub fn eval_f64(self, x: f64) -> f64 {
        match self {
            UnaryOp::Neg => -x,
            UnaryOp::Abs => x.abs(),
            UnaryOp::Exp => x.exp(),
            UnaryOp::Log => x.ln(),
            UnaryOp::Log1p => libm::log1p(x),
            UnaryOp::Expm1 => libm::expm1(x),
            UnaryOp::Sqrt => x.sqrt(),
            UnaryOp::Rsqrt => 1.0 / x.sqrt(),
            UnaryOp::Reciprocal => 1.0 / x,
            UnaryOp::Tanh => x.tanh(),
            UnaryOp::Sigmoid => {
                // Split by sign so exp never overflows into inf/inf.
                if x >= 0.0 {
                    1.0 / (1.0 + (-x).exp())
                } else {
                    let e = x.exp();
                    e / (1.0 + e)
                }
            }
            UnaryOp::Relu => {
                if x > 0.0 || x.is_nan() {
                    x
                } else {
                    0.0
                }
            }
            UnaryOp::Gelu => 0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2)),
            UnaryOp::Erf => libm::erf(x),
            UnaryOp::Sin => x.sin(),
            UnaryOp::Cos => x.cos(),
            UnaryOp::Floor => x.floor(),
            UnaryOp::Ceil => x.ceil(),
            UnaryOp::Square => x * x,
        }
    }
}

/// The two-operand element-wise ops (broadcasting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `a + b`; integers wrap.
    Add,
    /// `a - b`; integers wrap.
    Sub,
    /// `a * b`; integers wrap.
    Mul,
    /// `a / b`; integers truncate toward zero (division by zero is an error).
    Div,
    /// The larger value (NaN propagates; logical or on `i1`).
    Max,
    /// The smaller value (NaN propagates; logical and on `i1`).
    Min,
    /// `a ^ b`; integers wrap, and a negative integer exponent is an error.
    Pow,
}

impl BinaryOp {
    /// Every binary op.
    pub const ALL: [BinaryOp; 7] = [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Max,
        BinaryOp::Min,
        BinaryOp::Pow,
    ];

    /// The op name without the `graph.` prefix, e.g. `"add"`.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
            BinaryOp::Max => "max",
            BinaryOp::Min => "min",
            BinaryOp::Pow => "pow",
        }
    }

    /// The full op name, e.g. `"graph.add"`.
    pub fn op_name(self) -> &'static str {
        match self {
            BinaryOp::Add => "graph.add",
            BinaryOp::Sub => "graph.sub",
            BinaryOp::Mul => "graph.mul",
            BinaryOp::Div => "graph.div",
            BinaryOp::Max => "graph.max",
            BinaryOp::Min => "graph.min",
            BinaryOp::Pow => "graph.pow",
        }
    }

    /// Parses an op name without the `graph.` prefix.
    pub fn from_name(name: &str) -> Option<BinaryOp> {
        BinaryOp::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The op on two `f64` values.
    pub fn eval_f64(self, a: f64, b: f64) -> f64 {
        match self {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => a / b,
            // f64::max ignores NaN; NumPy's maximum/minimum propagate it.
            BinaryOp::Max => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else {
                    a.max(b)
                }
            }
            BinaryOp::Min => {
                if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else {
                    a.min(b)
                }
            }
            BinaryOp::Pow => a.powf(b),
        }
    }
}

/// Wrapping integer arithmetic shared by `i32` and `i64`.
pub(crate) trait Int: Copy + Ord + Default + std::fmt::Display {
    const ZERO: Self;
    const ONE: Self;
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    /// Truncating division; `MIN / -1` wraps to `MIN`. `o` must be non-zero.
    fn wdiv(self, o: Self) -> Self;
    fn wneg(self) -> Self;
    fn wabs(self) -> Self;
}

macro_rules! impl_int {
    ($t:ty) => {
        impl Int for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            fn wadd(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            fn wsub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            fn wmul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            fn wdiv(self, o: Self) -> Self {
                self.wrapping_div(o)
            }
            fn wneg(self) -> Self {
                self.wrapping_neg()
            }
            fn wabs(self) -> Self {
                self.wrapping_abs()
            }
        }
    };
}
impl_int!(i32);
impl_int!(i64);

/// `base ^ exp` with wrapping, by repeated squaring; `exp` is non-negative.
fn int_pow<T: Int>(base: T, exp: T, exp_bits: impl Fn(T) -> u64) -> T {
    let (mut result, mut b, mut e) = (T::ONE, base, exp_bits(exp));
    while e > 0 {
        if e & 1 == 1 {
            result = result.wmul(b);
        }
        b = b.wmul(b);
        e >>= 1;
    }
    result
}

/// The broadcast shape of `shapes` under NumPy's rules (right-aligned; a
/// dimension of 1 stretches), or `None` if they are incompatible.
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; rank];
    for (k, slot) in out.iter_mut().enumerate() {
        // Position k counted from the right end of every shape.
        let from_right = rank - k;
        for s in shapes {
            if s.len() < from_right {
                continue;
            }
            let d = s[s.len() - from_right];
            if d == 1 {
                continue;
            }
            if *slot == 1 {
                *slot = d;
            } else if *slot != d {
                return None;
            }
        }
    }
    Some(out)
}

/// The broadcast shape of the operands, or an error naming all their types.
pub(crate) fn broadcast_operands(op: &'static str, operands: &[&Tensor]) -> Result<Vec<usize>> {
    let shapes: Vec<&[usize]> = operands.iter().map(|t| t.shape()).collect();
    let shape = broadcast_shapes(&shapes).ok_or_else(|| {
        let types: Vec<String> = operands.iter().map(|t| t.type_string()).collect();
        KernelError::new(
            op,
            format!("operand shapes do not broadcast: {}", types.join(" and ")),
        )
    })?;
    checked_num_elements(op, &shape)?;
    Ok(shape)
}

/// Applies `f` element-wise to `a` and `b` broadcast to `shape` (which must
/// be their broadcast shape).
pub(crate) fn zip2<A: Copy, B: Copy, R>(
    op: &'static str,
    shape: &[usize],
    a: &ArrayD<A>,
    b: &ArrayD<B>,
    f: impl Fn(A, B) -> R,
) -> Result<ArrayD<R>> {
    let internal = || KernelError::new(op, format!("internal: cannot broadcast to {shape:?}"));
    let av = a.broadcast(IxDyn(shape)).ok_or_else(internal)?;
    let bv = b.broadcast(IxDyn(shape)).ok_or_else(internal)?;
    Ok(Zip::from(&av).and(&bv).map_collect(|&x, &y| f(x, y)))
}

/// Evaluates a one-operand element-wise op.
pub fn unary(op: UnaryOp, a: &Tensor) -> Result<Tensor> {
    let name = op.op_name();
    fn int_unary<T: Int>(op: UnaryOp, a: &ArrayD<T>) -> ArrayD<T> {
        match op {
            UnaryOp::Neg => a.mapv(T::wneg),
            UnaryOp::Abs => a.mapv(T::wabs),
            UnaryOp::Relu => a.mapv(|x| x.max(T::ZERO)),
            _ => a.mapv(|x| x.wmul(x)),
        }
    }
    match a {
        Tensor::F32(_) | Tensor::F64(_) => {
            let x = float_operand(name, "operand", a)?;
            Ok(float_result(a.elem_type(), x.mapv(|v| op.eval_f64(v))))
        }
        Tensor::I32(x) if op.accepts_int() => Ok(Tensor::I32(int_unary(op, x))),
        Tensor::I64(x) if op.accepts_int() => Ok(Tensor::I64(int_unary(op, x))),
        _ => Err(KernelError::new(
            name,
            format!(
                "operand must have a {} element type, got {}",
                if op.accepts_int() {
                    "float or i32/i64"
                } else {
                    "float"
                },
                a.type_string()
            ),
        )),
    }
}

/// Evaluates a two-operand element-wise op with NumPy broadcasting. Both
/// operands must have the same element type.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let name = op.op_name();
    let elem = same_elem(name, a, b)?;
    let shape = broadcast_operands(name, &[a, b])?;
    let nonempty = shape.iter().all(|&d| d > 0);
    fn int_binary<T: Int>(
        name: &'static str,
        op: BinaryOp,
        shape: &[usize],
        nonempty: bool,
        a: &ArrayD<T>,
        b: &ArrayD<T>,
        exp_bits: impl Fn(T) -> u64,
    ) -> Result<ArrayD<T>> {
        // Every element of `b` is used when the result is non-empty, so
        // checking `b` up front is exact.
        if nonempty && op == BinaryOp::Div && b.iter().any(|&v| v == T::ZERO) {
            return Err(KernelError::new(name, "integer division by zero"));
        }
        if nonempty
            && op == BinaryOp::Pow
            && let Some(v) = b.iter().find(|&&v| v < T::ZERO)
        {
            return Err(KernelError::new(
                name,
                format!(
                    "integer exponent {v} is negative; integers to negative powers are not allowed"
                ),
            ));
        }
        zip2(name, shape, a, b, |x, y| match op {
            BinaryOp::Add => x.wadd(y),
            BinaryOp::Sub => x.wsub(y),
            BinaryOp::Mul => x.wmul(y),
            BinaryOp::Div => {
                if y == T::ZERO {
                    T::ZERO
                } else {
                    x.wdiv(y)
                }
            }
            BinaryOp::Max => x.max(y),
            BinaryOp::Min => x.min(y),
            BinaryOp::Pow => int_pow(x, y, &exp_bits),
        })
    }
    match (a, b) {
        (Tensor::I32(x), Tensor::I32(y)) => Ok(Tensor::I32(int_binary(
            name,
            op,
            &shape,
            nonempty,
            x,
            y,
            |e| e as u64,
        )?)),
        (Tensor::I64(x), Tensor::I64(y)) => Ok(Tensor::I64(int_binary(
            name,
            op,
            &shape,
            nonempty,
            x,
            y,
            |e| e as u64,
        )?)),
        (Tensor::I1(x), Tensor::I1(y)) => match op {
            BinaryOp::Max => Ok(Tensor::I1(zip2(name, &shape, x, y, |p, q| p | q)?)),
            BinaryOp::Min => Ok(Tensor::I1(zip2(name, &shape, x, y, |p, q| p & q)?)),
            _ => Err(KernelError::new(
                name,
                format!(
                    "operands must not be i1, got {} and {}",
                    a.type_string(),
                    b.type_string()
                ),
            )),
        },
        _ => {
            let x = float_operand(name, "lhs", a)?;
            let y = float_operand(name, "rhs", b)?;
            let r = zip2(name, &shape, &x, &y, |p, q| op.eval_f64(p, q))?;
            debug_assert!(elem.is_float());
            Ok(float_result(elem, r))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::value::ElemType;

    fn f32s(shape: &[usize], v: &[f64]) -> Tensor {
        Tensor::from_f64s(ElemType::F32, shape, v).unwrap()
    }
    fn i32s(shape: &[usize], v: &[i64]) -> Tensor {
        Tensor::from_i64s(ElemType::I32, shape, v).unwrap()
    }

    #[test]
    fn names_round_trip() {
        for op in UnaryOp::ALL {
            assert_eq!(UnaryOp::from_name(op.name()), Some(op));
            assert_eq!(op.op_name(), format!("graph.{}", op.name()));
        }
        for op in BinaryOp::ALL {
            assert_eq!(BinaryOp::from_name(op.name()), Some(op));
            assert_eq!(op.op_name(), format!("graph.{}", op.name()));
        }
        assert_eq!(UnaryOp::from_name("graph.neg"), None);
    }

    #[test]
    fn broadcast_rules() {
        assert_eq!(
            broadcast_shapes(&[&[2, 1, 3], &[4, 1]]),
            Some(vec![2, 4, 3])
        );
        assert_eq!(broadcast_shapes(&[&[], &[3]]), Some(vec![3]));
        assert_eq!(broadcast_shapes(&[&[0], &[1]]), Some(vec![0]));
        assert_eq!(broadcast_shapes(&[&[2], &[3]]), None);
        assert_eq!(broadcast_shapes(&[&[0], &[3]]), None);
        assert_eq!(broadcast_shapes(&[]), Some(vec![]));
    }

    #[test]
    fn int_semantics() {
        let a = i32s(&[4], &[7, -7, i32::MIN as i64, 5]);
        let b = i32s(&[4], &[2, 2, -1, -3]);
        assert_eq!(
            binary(BinaryOp::Div, &a, &b).unwrap(),
            i32s(&[4], &[3, -3, i32::MIN as i64, -1])
        );
        assert_eq!(
            unary(UnaryOp::Abs, &a).unwrap(),
            i32s(&[4], &[7, 7, i32::MIN as i64, 5])
        );
        let big = i32s(&[1], &[i32::MAX as i64]);
        assert_eq!(
            binary(BinaryOp::Add, &big, &i32s(&[1], &[1])).unwrap(),
            i32s(&[1], &[i32::MIN as i64])
        );
        assert_eq!(
            binary(BinaryOp::Pow, &i32s(&[2], &[3, -2]), &i32s(&[], &[3])).unwrap(),
            i32s(&[2], &[27, -8])
        );
    }

    #[test]
    fn errors_not_panics() {
        let a = i32s(&[2], &[1, 2]);
        let z = i32s(&[2], &[1, 0]);
        assert!(
            binary(BinaryOp::Div, &a, &z)
                .unwrap_err()
                .message
                .contains("division by zero")
        );
        assert!(binary(BinaryOp::Pow, &a, &i32s(&[1], &[-1])).is_err());
        let e = binary(
            BinaryOp::Add,
            &f32s(&[2], &[1.0, 2.0]),
            &f32s(&[3], &[1.0, 2.0, 3.0]),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("tensor<2xf32> and tensor<3xf32>"),
            "{e}"
        );
        assert!(binary(BinaryOp::Add, &a, &f32s(&[2], &[1.0, 2.0])).is_err());
        assert!(unary(UnaryOp::Exp, &a).is_err());
        // Division by zero in an empty result never happens.
        let empty = i32s(&[0], &[]);
        assert_eq!(
            binary(BinaryOp::Div, &empty, &i32s(&[1], &[0])).unwrap(),
            empty
        );
    }

    #[test]
    fn float_edge_cases() {
        let x = f32s(&[3], &[-1000.0, 0.0, 1000.0]);
        assert_eq!(
            unary(UnaryOp::Sigmoid, &x).unwrap(),
            f32s(&[3], &[0.0, 0.5, 1.0])
        );
        let n = f32s(&[2], &[f64::NAN, 1.0]);
        let m = binary(BinaryOp::Max, &n, &f32s(&[], &[0.0])).unwrap();
        assert!(m.allclose(&f32s(&[2], &[f64::NAN, 1.0]), 0.0, 0.0).is_ok());
    }
}
