//! The [`Context`]: owner of every interned object (types, attributes,
//! locations, strings, op names), every IR object (ops, values, blocks,
//! regions), the op registry, and the source texts diagnostics quote.
//!
//! One `&mut Context` is the only handle needed to read and change IR.
//! Mutation goes through methods that keep use lists and block order
//! consistent; the data structs are readable, not writable, from outside.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::Arc;

use crate::attrs::{AttrData, DenseArrayValues};
use crate::entity::{
    Attribute, BlockId, EntityRef, Location, OpId, PrimaryMap, RegionId, Symbol, Type, Value,
};
use crate::ir::{BlockData, OpData, OperationState, RegionData, Use, ValueData, ValueDef};
use crate::location::LocData;
use crate::registry::{DialectDef, OpDef, OpName, OpNameInfo};
use crate::types::{FloatKind, Signedness, TypeData};

/// A hash-consing table: equal data, equal key.
struct Interner<K: EntityRef, D> {
    items: PrimaryMap<K, D>,
    index: HashMap<D, K>,
}

impl<K: EntityRef + Copy, D: Clone + Eq + Hash> Interner<K, D> {
    fn new() -> Self {
        Interner {
            items: PrimaryMap::new(),
            index: HashMap::default(),
        }
    }

    fn intern(&mut self, data: D) -> K {
        if let Some(&k) = self.index.get(&data) {
            return k;
        }
        let k = self.items.push(data.clone());
        self.index.insert(data, k);
        k
    }

    fn get(&self, k: K) -> &D {
        &self.items[k]
    }
}

/// The owner of all IR; see the module docs.
pub struct Context {
    types: Interner<Type, TypeData>,
    attrs: Interner<Attribute, AttrData>,
    locs: Interner<Location, LocData>,
    symbols: PrimaryMap<Symbol, Arc<str>>,
    symbol_index: HashMap<Arc<str>, Symbol>,
    op_names: PrimaryMap<OpName, OpNameInfo>,
    op_name_index: HashMap<String, OpName>,
    dialects: HashMap<String, Arc<DialectDef>>,
    ops: PrimaryMap<OpId, OpData>,
    values: PrimaryMap<Value, ValueData>,
    blocks: PrimaryMap<BlockId, BlockData>,
    regions: PrimaryMap<RegionId, RegionData>,
    sources: HashMap<Symbol, Arc<str>>,
    /// Whether ops of unregistered dialects verify (`--allow-unregistered-dialect`).
    pub allow_unregistered: bool,
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// An empty context with no dialects registered.
    pub fn new() -> Self {
        Context {
            types: Interner::new(),
            attrs: Interner::new(),
            locs: Interner::new(),
            symbols: PrimaryMap::new(),
            symbol_index: HashMap::default(),
            op_names: PrimaryMap::new(),
            op_name_index: HashMap::default(),
            dialects: HashMap::default(),
            ops: PrimaryMap::new(),
            values: PrimaryMap::new(),
            blocks: PrimaryMap::new(),
            regions: PrimaryMap::new(),
            sources: HashMap::default(),
            allow_unregistered: false,
        }
    }

    // ----- registry -------------------------------------------------------

    /// Registers a dialect and its ops. Registering a name again replaces it.
    pub fn register_dialect(&mut self, dialect: DialectDef, ops: Vec<OpDef>) {
        for def in ops {
            let name = self.op_name(&def.name);
            self.op_names[name].def = Some(Arc::new(def));
        }
        self.dialects
            .insert(dialect.name.clone(), Arc::new(dialect));
    }

    /// The registered dialect named `name`.
    pub fn dialect(&self, name: &str) -> Option<&Arc<DialectDef>> {
        self.dialects.get(name)
    }

    /// Every registered dialect, sorted by name.
    pub fn dialects(&self) -> Vec<&Arc<DialectDef>> {
        let mut v: Vec<_> = self.dialects.values().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Every registered op definition, sorted by name.
    pub fn op_defs(&self) -> Vec<&Arc<OpDef>> {
        let mut v: Vec<_> = self
            .op_names
            .values()
            .filter_map(|i| i.def.as_ref())
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Interns an op name.
    pub fn op_name(&mut self, name: &str) -> OpName {
        if let Some(&n) = self.op_name_index.get(name) {
            return n;
        }
        let n = self.op_names.push(OpNameInfo {
            name: name.to_string(),
            def: None,
        });
        self.op_name_index.insert(name.to_string(), n);
        n
    }

    /// The interned name, if `name` was ever interned.
    pub fn lookup_op_name(&self, name: &str) -> Option<OpName> {
        self.op_name_index.get(name).copied()
    }

    /// The text of an op name.
    pub fn op_name_str(&self, name: OpName) -> &str {
        &self.op_names[name].name
    }

    /// The definition of an op name, if registered.
    pub fn op_name_def(&self, name: OpName) -> Option<&Arc<OpDef>> {
        self.op_names[name].def.as_ref()
    }

    /// The definition of an op's name, if registered.
    pub fn op_def(&self, op: OpId) -> Option<&Arc<OpDef>> {
        self.op_name_def(self.ops[op].name)
    }

    /// The full name of an op (`graph.add`).
    pub fn op_name_of(&self, op: OpId) -> &str {
        self.op_name_str(self.ops[op].name)
    }

    /// Whether `op`'s name is `name`.
    pub fn op_is(&self, op: OpId, name: &str) -> bool {
        self.op_name_of(op) == name
    }

    /// Whether `op` is registered and has all of `traits`.
    pub fn op_has_traits(&self, op: OpId, traits: crate::registry::OpTraits) -> bool {
        self.op_def(op).is_some_and(|d| d.traits.contains(traits))
    }

    // ----- strings, sources ----------------------------------------------

    /// Interns a string.
    pub fn symbol(&mut self, s: &str) -> Symbol {
        if let Some(&k) = self.symbol_index.get(s) {
            return k;
        }
        let rc: Arc<str> = Arc::from(s);
        let k = self.symbols.push(rc.clone());
        self.symbol_index.insert(rc, k);
        k
    }

    /// The interned string if `s` was ever interned.
    pub fn lookup_symbol(&self, s: &str) -> Option<Symbol> {
        self.symbol_index.get(s).copied()
    }

    /// The text of an interned string.
    pub fn symbol_str(&self, s: Symbol) -> &str {
        &self.symbols[s]
    }

    /// Remembers the text of a source file so diagnostics can quote it.
    pub fn add_source(&mut self, name: &str, text: &str) -> Symbol {
        let s = self.symbol(name);
        self.sources.insert(s, Arc::from(text));
        s
    }

    /// The text of a source file added with [`add_source`](Self::add_source).
    pub fn source(&self, name: Symbol) -> Option<&str> {
        self.sources.get(&name).map(|s| &**s)
    }

    // ----- types ----------------------------------------------------------

    /// Interns a type.
    pub fn intern_type(&mut self, data: TypeData) -> Type {
        self.types.intern(data)
    }

    /// The contents of a type.
    pub fn type_data(&self, ty: Type) -> &TypeData {
        self.types.get(ty)
    }

    /// A signless integer type (`i32`).
    pub fn int_type(&mut self, width: u32) -> Type {
        self.intern_type(TypeData::Integer {
            width,
            signedness: Signedness::Signless,
        })
    }

    /// `i1`.
    pub fn i1_type(&mut self) -> Type {
        self.int_type(1)
    }

    /// `i32`.
    pub fn i32_type(&mut self) -> Type {
        self.int_type(32)
    }

    /// `i64`.
    pub fn i64_type(&mut self) -> Type {
        self.int_type(64)
    }

    /// `index`.
    pub fn index_type(&mut self) -> Type {
        self.intern_type(TypeData::Index)
    }

    /// A float type.
    pub fn float_type(&mut self, kind: FloatKind) -> Type {
        self.intern_type(TypeData::Float(kind))
    }

    /// `f32`.
    pub fn f32_type(&mut self) -> Type {
        self.float_type(FloatKind::F32)
    }

    /// `f64`.
    pub fn f64_type(&mut self) -> Type {
        self.float_type(FloatKind::F64)
    }

    /// `none`.
    pub fn none_type(&mut self) -> Type {
        self.intern_type(TypeData::None)
    }

    /// `tensor<shape x elem>`.
    pub fn tensor_type(&mut self, shape: &[i64], elem: Type) -> Type {
        self.intern_type(TypeData::Tensor {
            shape: shape.to_vec(),
            elem,
        })
    }

    /// `memref<shape x elem>` with the identity layout.
    pub fn memref_type(&mut self, shape: &[i64], elem: Type) -> Type {
        self.intern_type(TypeData::MemRef {
            shape: shape.to_vec(),
            elem,
            layout: None,
            memory_space: None,
        })
    }

    /// `vector<shape x elem>`.
    pub fn vector_type(&mut self, shape: &[i64], elem: Type) -> Type {
        self.intern_type(TypeData::Vector {
            shape: shape.to_vec(),
            elem,
        })
    }

    /// `(inputs) -> (results)`.
    pub fn function_type(&mut self, inputs: &[Type], results: &[Type]) -> Type {
        self.intern_type(TypeData::Function {
            inputs: inputs.to_vec(),
            results: results.to_vec(),
        })
    }

    /// The shape of a shaped type.
    pub fn shape_of(&self, ty: Type) -> Option<&[i64]> {
        self.type_data(ty).shape()
    }

    /// The element type of a shaped type.
    pub fn elem_of(&self, ty: Type) -> Option<Type> {
        self.type_data(ty).elem()
    }

    /// Whether `ty` is a float type.
    pub fn is_float(&self, ty: Type) -> bool {
        self.type_data(ty).is_float()
    }

    /// Whether `ty` is an integer type (not `index`).
    pub fn is_integer(&self, ty: Type) -> bool {
        self.type_data(ty).is_integer()
    }

    // ----- attributes -----------------------------------------------------

    /// Interns an attribute.
    pub fn intern_attr(&mut self, data: AttrData) -> Attribute {
        self.attrs.intern(data)
    }

    /// The contents of an attribute.
    pub fn attr_data(&self, attr: Attribute) -> &AttrData {
        self.attrs.get(attr)
    }

    /// `unit`.
    pub fn unit_attr(&mut self) -> Attribute {
        self.intern_attr(AttrData::Unit)
    }

    /// `true` / `false`.
    pub fn bool_attr(&mut self, b: bool) -> Attribute {
        self.intern_attr(AttrData::Bool(b))
    }

    /// An integer attribute of type `ty`.
    pub fn int_attr(&mut self, value: i128, ty: Type) -> Attribute {
        self.intern_attr(AttrData::Integer { value, ty })
    }

    /// `value : i64`.
    pub fn i64_attr(&mut self, value: i64) -> Attribute {
        let ty = self.i64_type();
        self.int_attr(value as i128, ty)
    }

    /// A float attribute of type `ty`.
    pub fn float_attr(&mut self, value: f64, ty: Type) -> Attribute {
        self.intern_attr(AttrData::Float {
            bits: value.to_bits(),
            ty,
        })
    }

    /// `value : f64`.
    pub fn f64_attr(&mut self, value: f64) -> Attribute {
        let ty = self.f64_type();
        self.float_attr(value, ty)
    }

    /// `"text"`.
    pub fn str_attr(&mut self, s: &str) -> Attribute {
        self.intern_attr(AttrData::String(s.to_string()))
    }

    /// A type attribute.
    pub fn type_attr(&mut self, ty: Type) -> Attribute {
        self.intern_attr(AttrData::Type(ty))
    }

    /// `@name`.
    pub fn symbol_ref_attr(&mut self, name: &str) -> Attribute {
        let root = self.symbol(name);
        self.intern_attr(AttrData::SymbolRef {
            root,
            nested: Vec::new(),
        })
    }

    /// `[a, b]`.
    pub fn array_attr(&mut self, items: &[Attribute]) -> Attribute {
        self.intern_attr(AttrData::Array(items.to_vec()))
    }

    /// `array<i64: ...>`.
    pub fn i64_array_attr(&mut self, values: &[i64]) -> Attribute {
        let elem = self.i64_type();
        self.intern_attr(AttrData::DenseArray {
            elem,
            values: DenseArrayValues::Int(values.to_vec()),
        })
    }

    /// `{name = attr, ...}`; names are sorted and deduplicated (last wins).
    pub fn dict_attr(&mut self, entries: &[(Symbol, Attribute)]) -> Attribute {
        let mut v: Vec<(Symbol, Attribute)> = Vec::with_capacity(entries.len());
        for &(n, a) in entries {
            match v.iter_mut().find(|(m, _)| *m == n) {
                Some(slot) => slot.1 = a,
                None => v.push((n, a)),
            }
        }
        v.sort_by(|a, b| self.symbol_str(a.0).cmp(self.symbol_str(b.0)));
        self.intern_attr(AttrData::Dictionary(v))
    }

    // ----- locations ------------------------------------------------------

    /// Interns a location.
    pub fn intern_loc(&mut self, data: LocData) -> Location {
        self.locs.intern(data)
    }

    /// The contents of a location.
    pub fn loc_data(&self, loc: Location) -> &LocData {
        self.locs.get(loc)
    }

    /// `loc(unknown)`.
    pub fn unknown_loc(&mut self) -> Location {
        self.intern_loc(LocData::Unknown)
    }

    /// `loc("file":line:col)`.
    pub fn file_loc(&mut self, file: &str, line: u32, col: u32) -> Location {
        let file = self.symbol(file);
        self.intern_loc(LocData::FileLineCol { file, line, col })
    }

    /// A fused location of `locs`, flattened and deduplicated; a single
    /// location stays itself and unknown ones are dropped, as in MLIR.
    pub fn fused_loc(&mut self, locs: &[Location]) -> Location {
        let mut flat: Vec<Location> = Vec::new();
        for &l in locs {
            match self.loc_data(l) {
                LocData::Unknown => {}
                LocData::Fused {
                    locs: inner,
                    metadata: None,
                } => {
                    for &i in inner {
                        if !flat.contains(&i) {
                            flat.push(i);
                        }
                    }
                }
                _ => {
                    if !flat.contains(&l) {
                        flat.push(l);
                    }
                }
            }
        }
        match flat.len() {
            0 => self.unknown_loc(),
            1 => flat[0],
            _ => self.intern_loc(LocData::Fused {
                locs: flat,
                metadata: None,
            }),
        }
    }

    // ----- operations -----------------------------------------------------

    /// Creates a detached operation; its results are new values.
    pub fn create_op(&mut self, state: OperationState) -> OpId {
        let op = self.ops.push(OpData {
            name: state.name,
            operands: state.operands,
            results: Vec::with_capacity(state.result_types.len()),
            attrs: state.attrs,
            regions: state.regions,
            successors: state.successors,
            loc: state.loc,
            use_pos: Vec::new(),
            parent: None,
            prev: None,
            next: None,
            erased: false,
        });
        for (i, ty) in state.result_types.into_iter().enumerate() {
            let v = self.values.push(ValueData::new(
                ty,
                ValueDef::Result {
                    op,
                    index: i as u32,
                },
            ));
            self.ops[op].results.push(v);
        }
        let n = self.ops[op].operands.len();
        self.ops[op].use_pos = vec![0; n];
        for i in 0..n {
            let v = self.ops[op].operands[i];
            self.add_use(v, op, i as u32);
        }
        for i in 0..self.ops[op].regions.len() {
            let r = self.ops[op].regions[i];
            self.regions[r].parent = Some(op);
        }
        op
    }

    /// An operation's data.
    pub fn op(&self, op: OpId) -> &OpData {
        &self.ops[op]
    }

    /// Whether `op` has been erased.
    pub fn is_erased(&self, op: OpId) -> bool {
        self.ops[op].erased
    }

    /// The number of operations ever created (including erased ones).
    pub fn num_ops_created(&self) -> usize {
        self.ops.len()
    }

    /// Result `i` of `op`.
    pub fn result(&self, op: OpId, i: usize) -> Value {
        self.ops[op].results[i]
    }

    /// Operand `i` of `op`.
    pub fn operand(&self, op: OpId, i: usize) -> Value {
        self.ops[op].operands[i]
    }

    /// Replaces operand `i` of `op`.
    pub fn set_operand(&mut self, op: OpId, i: usize, v: Value) {
        let old = self.ops[op].operands[i];
        if old == v {
            return;
        }
        self.remove_use(old, op, i as u32);
        self.ops[op].operands[i] = v;
        self.add_use(v, op, i as u32);
    }

    /// Replaces all operands of `op`.
    pub fn set_operands(&mut self, op: OpId, values: &[Value]) {
        let old = std::mem::take(&mut self.ops[op].operands);
        for (i, v) in old.into_iter().enumerate() {
            self.remove_use(v, op, i as u32);
        }
        self.ops[op].operands = values.to_vec();
        self.ops[op].use_pos = vec![0; values.len()];
        for (i, &v) in values.iter().enumerate() {
            self.add_use(v, op, i as u32);
        }
    }

    /// Records that operand `index` of `op` uses `v`.
    fn add_use(&mut self, v: Value, op: OpId, index: u32) {
        let uses = &mut self.values[v].uses;
        self.ops[op].use_pos[index as usize] = uses.len() as u32;
        uses.push(Use { op, index });
    }

    /// Forgets that operand `index` of `op` uses `v`, in O(1): the last use
    /// moves into the hole and its owner's position is updated.
    fn remove_use(&mut self, v: Value, op: OpId, index: u32) {
        let pos = self.ops[op].use_pos[index as usize] as usize;
        let uses = &mut self.values[v].uses;
        debug_assert_eq!(uses[pos], Use { op, index });
        uses.swap_remove(pos);
        if let Some(&moved) = uses.get(pos) {
            self.ops[moved.op].use_pos[moved.index as usize] = pos as u32;
        }
    }

    /// The attribute `name` of `op`.
    pub fn attr(&self, op: OpId, name: &str) -> Option<Attribute> {
        let sym = self.lookup_symbol(name)?;
        self.attr_by_symbol(op, sym)
    }

    /// The attribute `name` of `op`, by interned name.
    pub fn attr_by_symbol(&self, op: OpId, name: Symbol) -> Option<Attribute> {
        self.ops[op]
            .attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }

    /// The contents of the attribute `name` of `op`.
    pub fn attr_data_of(&self, op: OpId, name: &str) -> Option<&AttrData> {
        self.attr(op, name).map(|a| self.attr_data(a))
    }

    /// Sets (or replaces) attribute `name` of `op`.
    pub fn set_attr(&mut self, op: OpId, name: &str, value: Attribute) {
        let sym = self.symbol(name);
        let attrs = &mut self.ops[op].attrs;
        match attrs.iter_mut().find(|(n, _)| *n == sym) {
            Some(slot) => slot.1 = value,
            None => attrs.push((sym, value)),
        }
    }

    /// Removes attribute `name` of `op`, returning it.
    pub fn remove_attr(&mut self, op: OpId, name: &str) -> Option<Attribute> {
        let sym = self.lookup_symbol(name)?;
        let attrs = &mut self.ops[op].attrs;
        let p = attrs.iter().position(|(n, _)| *n == sym)?;
        Some(attrs.remove(p).1)
    }

    /// Sets the location of `op`.
    pub fn set_loc(&mut self, op: OpId, loc: Location) {
        self.ops[op].loc = loc;
    }

    /// Changes the type of a value (for passes that refine types in place).
    pub fn set_value_type(&mut self, v: Value, ty: Type) {
        self.values[v].ty = ty;
    }

    // ----- values ---------------------------------------------------------

    /// A value's data.
    pub fn value(&self, v: Value) -> &ValueData {
        &self.values[v]
    }

    /// A value's type.
    pub fn value_type(&self, v: Value) -> Type {
        self.values[v].ty
    }

    /// A value's uses (unordered).
    pub fn uses(&self, v: Value) -> &[Use] {
        &self.values[v].uses
    }

    /// Whether a value has no uses.
    pub fn is_unused(&self, v: Value) -> bool {
        self.values[v].uses.is_empty()
    }

    /// The op defining `v`, if it is an op result.
    pub fn defining_op(&self, v: Value) -> Option<OpId> {
        match self.values[v].def {
            ValueDef::Result { op, .. } => Some(op),
            ValueDef::BlockArg { .. } => None,
        }
    }

    /// The block `v` is defined in (its op's block, or its block for arguments).
    pub fn value_block(&self, v: Value) -> Option<BlockId> {
        match self.values[v].def {
            ValueDef::Result { op, .. } => self.ops[op].parent,
            ValueDef::BlockArg { block, .. } => Some(block),
        }
    }

    /// Replaces every use of `old` with `new`.
    pub fn replace_all_uses(&mut self, old: Value, new: Value) {
        if old == new {
            return;
        }
        let uses = std::mem::take(&mut self.values[old].uses);
        for u in uses {
            self.ops[u.op].operands[u.index as usize] = new;
            self.add_use(new, u.op, u.index);
        }
    }

    /// Replaces each result of `op` with the matching value of `new` and
    /// erases `op`.
    pub fn replace_op(&mut self, op: OpId, new: &[Value]) {
        let results = self.ops[op].results.clone();
        assert_eq!(
            results.len(),
            new.len(),
            "replace_op: result count mismatch"
        );
        for (r, n) in results.into_iter().zip(new) {
            self.replace_all_uses(r, *n);
        }
        self.erase_op(op);
    }

    // ----- blocks and regions --------------------------------------------

    /// Creates a detached block with arguments of `arg_types` at `loc`.
    pub fn create_block(&mut self, arg_types: &[Type], loc: Location) -> BlockId {
        let block = self.blocks.push(BlockData::default());
        for &ty in arg_types {
            self.add_block_arg(block, ty, loc);
        }
        block
    }

    /// Appends an argument to `block`.
    pub fn add_block_arg(&mut self, block: BlockId, ty: Type, loc: Location) -> Value {
        let index = self.blocks[block].args.len() as u32;
        let v = self
            .values
            .push(ValueData::new(ty, ValueDef::BlockArg { block, index }));
        self.blocks[block].args.push(v);
        self.blocks[block].arg_locs.push(loc);
        v
    }

    /// A block's data.
    pub fn block(&self, block: BlockId) -> &BlockData {
        &self.blocks[block]
    }

    /// The arguments of `block`.
    pub fn block_args(&self, block: BlockId) -> &[Value] {
        &self.blocks[block].args
    }

    /// The first op of `block`.
    pub fn first_op(&self, block: BlockId) -> Option<OpId> {
        self.blocks[block].first
    }

    /// The last op of `block` (its terminator, if it has one).
    pub fn last_op(&self, block: BlockId) -> Option<OpId> {
        self.blocks[block].last
    }

    /// The op after `op` in its block.
    pub fn next_op(&self, op: OpId) -> Option<OpId> {
        self.ops[op].next
    }

    /// The op before `op` in its block.
    pub fn prev_op(&self, op: OpId) -> Option<OpId> {
        self.ops[op].prev
    }

    /// The ops of `block`, in order. Safe against changes made while
    /// iterating only if the current op is not detached; collect into a
    /// `Vec` (see [`block_ops_vec`](Self::block_ops_vec)) when mutating.
    pub fn block_ops(&self, block: BlockId) -> BlockOps<'_> {
        BlockOps {
            ctx: self,
            next: self.blocks[block].first,
        }
    }

    /// The ops of `block`, in order, collected.
    pub fn block_ops_vec(&self, block: BlockId) -> Vec<OpId> {
        self.block_ops(block).collect()
    }

    /// Creates a detached, empty region.
    pub fn create_region(&mut self) -> RegionId {
        self.regions.push(RegionData::default())
    }

    /// A region's data.
    pub fn region(&self, region: RegionId) -> &RegionData {
        &self.regions[region]
    }

    /// Appends a detached block to `region`.
    pub fn append_block(&mut self, region: RegionId, block: BlockId) {
        debug_assert!(self.blocks[block].parent.is_none());
        self.blocks[block].parent = Some(region);
        self.regions[region].blocks.push(block);
    }

    /// Adds a detached region to `op` (after creation).
    pub fn add_region(&mut self, op: OpId, region: RegionId) {
        self.regions[region].parent = Some(op);
        self.ops[op].regions.push(region);
    }

    /// The entry block of region `i` of `op`.
    pub fn entry_block(&self, op: OpId, i: usize) -> Option<BlockId> {
        let r = *self.ops[op].regions.get(i)?;
        self.regions[r].blocks.first().copied()
    }

    /// The op whose region holds `block`.
    pub fn block_parent_op(&self, block: BlockId) -> Option<OpId> {
        let r = self.blocks[block].parent?;
        self.regions[r].parent
    }

    /// The op whose region holds `op`.
    pub fn parent_op(&self, op: OpId) -> Option<OpId> {
        self.block_parent_op(self.ops[op].parent?)
    }

    /// Whether `ancestor` is `op` or holds it (transitively).
    pub fn is_ancestor(&self, ancestor: OpId, mut op: OpId) -> bool {
        loop {
            if op == ancestor {
                return true;
            }
            match self.parent_op(op) {
                Some(p) => op = p,
                None => return false,
            }
        }
    }

    // ----- block layout ---------------------------------------------------

    /// Appends a detached `op` to the end of `block`.
    pub fn append_op(&mut self, block: BlockId, op: OpId) {
        debug_assert!(self.ops[op].parent.is_none(), "op is already attached");
        let last = self.blocks[block].last;
        self.ops[op].parent = Some(block);
        self.ops[op].prev = last;
        self.ops[op].next = None;
        match last {
            Some(l) => self.ops[l].next = Some(op),
            None => self.blocks[block].first = Some(op),
        }
        self.blocks[block].last = Some(op);
    }

    /// Inserts a detached `op` right before `anchor`.
    pub fn insert_op_before(&mut self, anchor: OpId, op: OpId) {
        debug_assert!(self.ops[op].parent.is_none(), "op is already attached");
        let block = self.ops[anchor].parent.expect("anchor is detached");
        let prev = self.ops[anchor].prev;
        self.ops[op].parent = Some(block);
        self.ops[op].prev = prev;
        self.ops[op].next = Some(anchor);
        self.ops[anchor].prev = Some(op);
        match prev {
            Some(p) => self.ops[p].next = Some(op),
            None => self.blocks[block].first = Some(op),
        }
    }

    /// Inserts a detached `op` right after `anchor`.
    pub fn insert_op_after(&mut self, anchor: OpId, op: OpId) {
        match self.ops[anchor].next {
            Some(n) => self.insert_op_before(n, op),
            None => {
                let block = self.ops[anchor].parent.expect("anchor is detached");
                self.append_op(block, op);
            }
        }
    }

    /// Unlinks `op` from its block, keeping it (and its uses) alive.
    pub fn detach_op(&mut self, op: OpId) {
        let Some(block) = self.ops[op].parent else {
            return;
        };
        let (prev, next) = (self.ops[op].prev, self.ops[op].next);
        match prev {
            Some(p) => self.ops[p].next = next,
            None => self.blocks[block].first = next,
        }
        match next {
            Some(n) => self.ops[n].prev = prev,
            None => self.blocks[block].last = prev,
        }
        let d = &mut self.ops[op];
        d.parent = None;
        d.prev = None;
        d.next = None;
    }

    /// Moves an attached `op` to right before `anchor`.
    pub fn move_op_before(&mut self, op: OpId, anchor: OpId) {
        self.detach_op(op);
        self.insert_op_before(anchor, op);
    }

    /// Detaches and erases `op` and everything in its regions. Its results
    /// should have no uses left; any remaining uses are left dangling, which
    /// the verifier reports.
    pub fn erase_op(&mut self, op: OpId) {
        if self.ops[op].erased {
            return;
        }
        self.detach_op(op);
        // Erase nested ops first so their uses of outer values are dropped.
        let regions = std::mem::take(&mut self.ops[op].regions);
        for r in regions {
            let blocks = std::mem::take(&mut self.regions[r].blocks);
            for b in blocks {
                while let Some(o) = self.blocks[b].last {
                    self.erase_op(o);
                }
            }
        }
        let operands = std::mem::take(&mut self.ops[op].operands);
        for (i, v) in operands.into_iter().enumerate() {
            self.remove_use(v, op, i as u32);
        }
        self.ops[op].use_pos = Vec::new();
        self.ops[op].erased = true;
    }

    // ----- walking --------------------------------------------------------

    /// Every op nested in `root` (not `root` itself), parents before children.
    pub fn walk_preorder(&self, root: OpId) -> Vec<OpId> {
        let mut out = Vec::new();
        self.walk_into(root, &mut out, true);
        out
    }

    /// Every op nested in `root` (not `root` itself), children before parents.
    pub fn walk_postorder(&self, root: OpId) -> Vec<OpId> {
        let mut out = Vec::new();
        self.walk_into(root, &mut out, false);
        out
    }

    fn walk_into(&self, root: OpId, out: &mut Vec<OpId>, pre: bool) {
        for &r in &self.ops[root].regions {
            for &b in &self.regions[r].blocks {
                for op in self.block_ops(b) {
                    if pre {
                        out.push(op);
                    }
                    self.walk_into(op, out, pre);
                    if !pre {
                        out.push(op);
                    }
                }
            }
        }
    }

    // ----- modules and symbols --------------------------------------------

    /// Creates a detached `builtin.module` with one empty block.
    pub fn create_module(&mut self, loc: Location) -> OpId {
        let region = self.create_region();
        let block = self.create_block(&[], loc);
        self.append_block(region, block);
        let name = self.op_name("builtin.module");
        self.create_op(OperationState::new(name, loc).region(region))
    }

    /// The body block of a module (its single region's entry block).
    pub fn module_body(&self, module: OpId) -> BlockId {
        self.entry_block(module, 0).expect("module without a body")
    }

    /// The name of a symbol op (its `sym_name` string attribute).
    pub fn symbol_name(&self, op: OpId) -> Option<&str> {
        self.attr_data_of(op, "sym_name")?.as_str()
    }

    /// The op named `name` directly inside the symbol table `table`.
    pub fn lookup_symbol_in(&self, table: OpId, name: &str) -> Option<OpId> {
        let block = self.entry_block(table, 0)?;
        self.block_ops(block)
            .find(|&o| self.symbol_name(o) == Some(name))
    }

    /// The nearest enclosing op (or `op` itself) with the `SYMBOL_TABLE` trait.
    pub fn symbol_table_of(&self, mut op: OpId) -> Option<OpId> {
        loop {
            if self.op_has_traits(op, crate::registry::OpTraits::SYMBOL_TABLE) {
                return Some(op);
            }
            op = self.parent_op(op)?;
        }
    }
}

/// Iterator over the ops of a block; see [`Context::block_ops`].
pub struct BlockOps<'a> {
    ctx: &'a Context,
    next: Option<OpId>,
}

impl Iterator for BlockOps<'_> {
    type Item = OpId;

    fn next(&mut self) -> Option<OpId> {
        let op = self.next?;
        self.next = self.ctx.ops[op].next;
        Some(op)
    }
}
