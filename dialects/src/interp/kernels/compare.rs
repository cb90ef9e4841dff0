//! `graph.cmp`, `graph.select` and `graph.cast`.

use ndarray::{ArrayD, IxDyn, Zip};

use super::elementwise::{broadcast_operands, zip2};
use super::{KernelError, Result, same_elem};
use crate::interp::value::{ElemType, Element, Tensor, with_elem};

/// The predicates of `graph.cmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpPredicate {
    /// `a == b`.
    Eq,
    /// `a != b` (true when either is NaN).
    Ne,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a > b`.
    Gt,
    /// `a >= b`.
    Ge,
}

impl CmpPredicate {
    /// Every predicate.
    pub const ALL: [CmpPredicate; 6] = [
        CmpPredicate::Eq,
        CmpPredicate::Ne,
        CmpPredicate::Lt,
        CmpPredicate::Le,
        CmpPredicate::Gt,
        CmpPredicate::Ge,
    ];

    /// The attribute spelling: `"eq"`, `"ne"`, `"lt"`, `"le"`, `"gt"`, `"ge"`.
    pub fn name(self) -> &'static str {
        match self {
            CmpPredicate::Eq => "eq",
            CmpPredicate::Ne => "ne",
            CmpPredicate::Lt => "lt",
            CmpPredicate::Le => "le",
            CmpPredicate::Gt => "gt",
            CmpPredicate::Ge => "ge",
        }
    }

    /// Parses the attribute spelling.
    pub fn from_name(name: &str) -> Option<CmpPredicate> {
        CmpPredicate::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The predicate on two values (IEEE semantics for NaN).
    pub fn eval<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpPredicate::Eq => a == b,
            CmpPredicate::Ne => a != b,
            CmpPredicate::Lt => a < b,
            CmpPredicate::Le => a <= b,
            CmpPredicate::Gt => a > b,
            CmpPredicate::Ge => a >= b,
        }
    }
}

/// `graph.cmp`: compares element-wise with broadcasting; an `i1` result.
/// Both operands must have the same element type (`i1` orders false < true).
pub fn cmp(pred: CmpPredicate, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    const OP: &str = "graph.cmp";
    let elem = same_elem(OP, a, b)?;
    let shape = broadcast_operands(OP, &[a, b])?;
    with_elem!(elem, T => {
        let (x, y) = operands::<T>(OP, a, b)?;
        Ok(Tensor::I1(zip2(OP, &shape, x, y, |p, q| pred.eval(p, q))?))
    })
}

fn operands<'a, T: Element>(
    op: &'static str,
    a: &'a Tensor,
    b: &'a Tensor,
) -> Result<(&'a ArrayD<T>, &'a ArrayD<T>)> {
    match (T::unwrap_ref(a), T::unwrap_ref(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(KernelError::new(
            op,
            "internal: operand element type mismatch",
        )),
    }
}

/// `graph.select`: `np.where(cond, a, b)` with all three broadcast. `cond`
/// must be `i1`; `a` and `b` must share an element type.
pub fn select(cond: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    const OP: &str = "graph.select";
    let Tensor::I1(c) = cond else {
        return Err(KernelError::new(
            OP,
            format!(
                "condition must have element type i1, got {}",
                cond.type_string()
            ),
        ));
    };
    let elem = same_elem(OP, a, b)?;
    let shape = broadcast_operands(OP, &[cond, a, b])?;
    let internal = || KernelError::new(OP, format!("internal: cannot broadcast to {shape:?}"));
    let cv = c.broadcast(IxDyn(&shape)).ok_or_else(internal)?;
    with_elem!(elem, T => {
        let (x, y) = operands::<T>(OP, a, b)?;
        let xv = x.broadcast(IxDyn(&shape)).ok_or_else(internal)?;
        let yv = y.broadcast(IxDyn(&shape)).ok_or_else(internal)?;
        Ok(T::wrap(Zip::from(&cv).and(&xv).and(&yv).map_collect(|&k, &p, &q| if k { p } else { q })))
    })
}

/// `graph.cast`: converts to `elem` (see [`Tensor::cast_to`]). Never fails;
/// returns a `Result` like every other kernel.
pub fn cast(a: &Tensor, elem: ElemType) -> Result<Tensor> {
    Ok(a.cast_to(elem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmp_broadcasts_and_handles_nan() {
        let a = Tensor::from_f64s(ElemType::F32, &[3, 1], &[1.0, f64::NAN, 3.0]).unwrap();
        let b = Tensor::from_f64s(ElemType::F32, &[2], &[1.0, 3.0]).unwrap();
        let lt = cmp(CmpPredicate::Lt, &a, &b).unwrap();
        assert_eq!(
            lt,
            Tensor::from_i64s(ElemType::I1, &[3, 2], &[0, 1, 0, 0, 0, 0]).unwrap()
        );
        let ne = cmp(CmpPredicate::Ne, &a, &b).unwrap();
        assert_eq!(
            ne,
            Tensor::from_i64s(ElemType::I1, &[3, 2], &[0, 1, 1, 1, 1, 0]).unwrap()
        );
        assert_eq!(CmpPredicate::from_name("ge"), Some(CmpPredicate::Ge));
    }

    #[test]
    fn select_broadcasts_three_ways() {
        let c = Tensor::from_i64s(ElemType::I1, &[2, 1], &[1, 0]).unwrap();
        let a = Tensor::from_i64s(ElemType::I64, &[3], &[1, 2, 3]).unwrap();
        let b = Tensor::from_i64s(ElemType::I64, &[], &[9]).unwrap();
        let r = select(&c, &a, &b).unwrap();
        assert_eq!(
            r,
            Tensor::from_i64s(ElemType::I64, &[2, 3], &[1, 2, 3, 9, 9, 9]).unwrap()
        );
        assert!(select(&a, &a, &b).is_err());
        assert!(
            select(
                &c,
                &a,
                &Tensor::from_i64s(ElemType::I32, &[], &[9]).unwrap()
            )
            .is_err()
        );
    }
}
