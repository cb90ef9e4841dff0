//! Typed access to the attributes of a `graph` op, shared by the verifier,
//! type inference, the interpreter and folds, so that all of them read an
//! attribute (and its default, where the dialect has one) the same way.
//!
//! Defaults, documented in the language reference: `keepdims = false`,
//! pad `value = 0.0`, slice `strides = 1`, conv2d `strides = [1, 1]`,
//! `padding = [0, 0, 0, 0]`, `dilations = [1, 1]`, `groups = 1`, and
//! pooling `padding = [0, 0, 0, 0]`. Every other attribute is required.

use tessera_compiler::{AttrData, Attribute, Context, DenseArrayValues, OpId, TypeData};

/// The attributes of one op (or of an op about to be built), by name.
pub struct Attrs<'a> {
    ctx: &'a Context,
    list: Vec<(&'a str, Attribute)>,
}

impl<'a> Attrs<'a> {
    /// The attributes of an existing op.
    pub fn of_op(ctx: &'a Context, op: OpId) -> Self {
        let list = ctx
            .op(op)
            .attrs
            .iter()
            .map(|&(n, a)| (ctx.symbol_str(n), a))
            .collect();
        Attrs { ctx, list }
    }

    /// Attributes given as name/value pairs (as to `Builder::create`).
    pub fn from_list(ctx: &'a Context, list: &[(&'a str, Attribute)]) -> Self {
        Attrs {
            ctx,
            list: list.to_vec(),
        }
    }

    /// The attribute `name`, if present.
    pub fn get(&self, name: &str) -> Option<Attribute> {
        self.list.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
    }

    fn data(&self, name: &str) -> Option<&'a AttrData> {
        self.get(name).map(|a| self.ctx.attr_data(a))
    }

    fn missing(name: &str, example: &str) -> String {
        format!("requires attribute '{name}' ({example})")
    }

    /// A required integer attribute (`axis = 1 : i64`).
    pub fn int(&self, name: &str) -> Result<i64, String> {
        match self.data(name) {
            None => Err(Self::missing(name, "an integer such as 1 : i64")),
            Some(d) => self.as_int(name, d),
        }
    }

    /// An optional integer attribute.
    pub fn int_or(&self, name: &str, default: i64) -> Result<i64, String> {
        match self.data(name) {
            None => Ok(default),
            Some(d) => self.as_int(name, d),
        }
    }

    fn as_int(&self, name: &str, d: &AttrData) -> Result<i64, String> {
        match d {
            AttrData::Integer { value, .. } => i64::try_from(*value)
                .map_err(|_| format!("attribute '{name}' = {value} does not fit in i64")),
            _ => Err(format!(
                "attribute '{name}' must be an integer such as 1 : i64, got {}",
                kind(d)
            )),
        }
    }

    /// A required `array<i64: ...>` attribute.
    pub fn ints(&self, name: &str) -> Result<Vec<i64>, String> {
        match self.data(name) {
            None => Err(Self::missing(name, "array<i64: ...>")),
            Some(d) => self.as_ints(name, d),
        }
    }

    /// An optional `array<i64: ...>` attribute.
    pub fn ints_or(&self, name: &str, default: &[i64]) -> Result<Vec<i64>, String> {
        match self.data(name) {
            None => Ok(default.to_vec()),
            Some(d) => self.as_ints(name, d),
        }
    }

    fn as_ints(&self, name: &str, d: &AttrData) -> Result<Vec<i64>, String> {
        match d {
            AttrData::DenseArray {
                elem,
                values: DenseArrayValues::Int(v),
            } if matches!(
                self.ctx.type_data(*elem),
                TypeData::Integer { width: 64, .. }
            ) =>
            {
                Ok(v.clone())
            }
            _ => Err(format!(
                "attribute '{name}' must be an i64 dense array such as array<i64: 1, 0>, got {}",
                kind(d)
            )),
        }
    }

    /// An optional boolean attribute (`keepdims = true`).
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.data(name) {
            None => Ok(default),
            Some(AttrData::Bool(b)) => Ok(*b),
            Some(d) => Err(format!(
                "attribute '{name}' must be true or false, got {}",
                kind(d)
            )),
        }
    }

    /// A required float attribute (`epsilon = 1.0e-5 : f64`).
    pub fn float(&self, name: &str) -> Result<f64, String> {
        match self.data(name) {
            None => Err(Self::missing(name, "a float such as 1.0e-5 : f64")),
            Some(AttrData::Float { bits, .. }) => Ok(f64::from_bits(*bits)),
            Some(d) => Err(format!(
                "attribute '{name}' must be a float such as 1.0e-5 : f64, got {}",
                kind(d)
            )),
        }
    }

    /// An optional number: a float attribute, or an integer one (handy for
    /// integer tensors, e.g. a pad `value = 0 : i64`).
    pub fn number_or(&self, name: &str, default: f64) -> Result<f64, String> {
        match self.data(name) {
            None => Ok(default),
            Some(AttrData::Float { bits, .. }) => Ok(f64::from_bits(*bits)),
            Some(AttrData::Integer { value, .. }) => Ok(*value as f64),
            Some(d) => Err(format!(
                "attribute '{name}' must be a number such as 0.0 : f64, got {}",
                kind(d)
            )),
        }
    }

    /// A required string attribute (`predicate = "lt"`).
    pub fn string(&self, name: &str) -> Result<&'a str, String> {
        match self.data(name) {
            None => Err(Self::missing(name, "a string")),
            Some(AttrData::String(s)) => Ok(s),
            Some(d) => Err(format!(
                "attribute '{name}' must be a string, got {}",
                kind(d)
            )),
        }
    }
}

/// What kind of attribute `d` is, for messages.
fn kind(d: &AttrData) -> &'static str {
    match d {
        AttrData::Unit => "a unit attribute",
        AttrData::Bool(_) => "a boolean",
        AttrData::Integer { .. } => "an integer",
        AttrData::Float { .. } => "a float",
        AttrData::String(_) => "a string",
        AttrData::Type(_) => "a type",
        AttrData::SymbolRef { .. } => "a symbol reference",
        AttrData::Array(_) => "an array attribute",
        AttrData::Dictionary(_) => "a dictionary",
        AttrData::DenseArray {
            values: DenseArrayValues::Int(_),
            ..
        } => "a dense array of another integer type",
        AttrData::DenseArray { .. } => "a float dense array",
        AttrData::DenseElements(_) => "dense elements",
        AttrData::AffineMap(_) => "an affine map",
        AttrData::IntegerSet(_) => "an integer set",
        AttrData::Opaque { .. } => "an opaque attribute",
    }
}
