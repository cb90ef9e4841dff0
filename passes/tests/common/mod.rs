//! A small dialect for behaviour tests of the passes, independent of the
//! real dialects: `test.const` (constant-like, with a materializer),
//! `test.add` (folds), `test.neg` (a `neg(neg(x))` pattern), `test.sink`
//! (a side effect), `test.region`/`test.isolated` (ops with a body), and
//! stand-ins for `builtin.module` and `func.func`/`func.call`/`func.return`
//! with the traits the passes rely on.

#![allow(dead_code)] // Each test file uses a different part.

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{Pass, PassState};
use tessera_compiler::rewrite::{RewritePattern, Rewriter};
use tessera_compiler::{
    AttrData, Attribute, BlockId, Context, DialectDef, FoldResult, Location, OpDef, OpId, OpTraits,
    Type, Value,
};

fn fold_const(ctx: &mut Context, op: OpId, _: &[Option<Attribute>]) -> Option<Vec<FoldResult>> {
    Some(vec![FoldResult::Attr(ctx.attr(op, "value")?)])
}

fn fold_add(ctx: &mut Context, op: OpId, c: &[Option<Attribute>]) -> Option<Vec<FoldResult>> {
    let ty = ctx.value_type(ctx.result(op, 0));
    let int = |a: Option<Attribute>| a.and_then(|a| ctx.attr_data(a).as_int());
    match (int(c[0]), int(c[1])) {
        (Some(a), Some(b)) => Some(vec![FoldResult::Attr(ctx.int_attr(a + b, ty))]),
        (_, Some(0)) => Some(vec![FoldResult::Value(ctx.operand(op, 0))]),
        _ => None,
    }
}

fn materialize(b: &mut Builder<'_>, value: Attribute, ty: Type, loc: Location) -> Option<Value> {
    match b.ctx.attr_data(value) {
        AttrData::Integer { ty: t, .. } if *t == ty => {
            Some(b.create_value("test.const", &[], ty, &[("value", value)], loc))
        }
        _ => None,
    }
}

/// `neg(neg(x))` → `x`.
pub struct NegNeg;

impl RewritePattern for NegNeg {
    fn name(&self) -> &str {
        "neg-neg"
    }
    fn root(&self) -> Option<&str> {
        Some("test.neg")
    }
    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let Some(inner) = rw.ctx.defining_op(rw.ctx.operand(op, 0)) else {
            return false;
        };
        if !rw.ctx.op_is(inner, "test.neg") {
            return false;
        }
        let x = rw.ctx.operand(inner, 0);
        rw.replace_op(op, &[x]);
        true
    }
}

/// `flip(x)` → `flop(x)` and back: never converges.
pub struct Flip {
    from: &'static str,
    to: &'static str,
}

impl RewritePattern for Flip {
    fn name(&self) -> &str {
        self.from
    }
    fn root(&self) -> Option<&str> {
        Some(self.from)
    }
    fn match_and_rewrite(&self, rw: &mut Rewriter<'_>, op: OpId) -> bool {
        let x = rw.ctx.operand(op, 0);
        let ty = rw.ctx.value_type(x);
        let loc = rw.ctx.op(op).loc;
        let v = rw.create_value(self.to, &[x], ty, &[], loc);
        rw.replace_op(op, &[v]);
        true
    }
}

fn neg_patterns() -> Vec<Box<dyn RewritePattern>> {
    vec![Box::new(NegNeg)]
}

fn flip_patterns() -> Vec<Box<dyn RewritePattern>> {
    vec![
        Box::new(Flip {
            from: "test.flip",
            to: "test.flop",
        }),
        Box::new(Flip {
            from: "test.flop",
            to: "test.flip",
        }),
    ]
}

/// A context with the test dialect and the stand-ins registered.
pub fn context() -> Context {
    let mut ctx = Context::new();
    let pure = OpTraits::PURE;
    let mut test = DialectDef::new("test", "ops for pass tests");
    test.materialize_constant = Some(materialize);
    ctx.register_dialect(
        test,
        vec![
            OpDef::new("test.const", "a constant")
                .traits(pure | OpTraits::CONSTANT_LIKE)
                .fold(fold_const),
            OpDef::new("test.add", "addition")
                .traits(pure | OpTraits::COMMUTATIVE)
                .fold(fold_add),
            OpDef::new("test.sub", "subtraction (not commutative)").traits(pure),
            OpDef::new("test.neg", "negation")
                .traits(pure)
                .patterns(neg_patterns),
            OpDef::new("test.flip", "becomes flop")
                .traits(pure)
                .patterns(flip_patterns),
            OpDef::new("test.flop", "becomes flip").traits(pure),
            OpDef::new("test.sink", "a side effect"),
            OpDef::new("test.region", "an op with a body"),
            OpDef::new("test.pure_region", "a pure op with a body").traits(pure),
            OpDef::new("test.isolated", "an isolated op with a body")
                .traits(OpTraits::ISOLATED_FROM_ABOVE),
            OpDef::new("test.graph", "an op with a graph region").traits(OpTraits::GRAPH_REGION),
            OpDef::new("test.yield", "a pure terminator").traits(pure | OpTraits::TERMINATOR),
        ],
    );
    ctx.register_dialect(
        DialectDef::new("builtin", "stand-in"),
        vec![OpDef::new("builtin.module", "a module").traits(
            OpTraits::SYMBOL_TABLE
                | OpTraits::ISOLATED_FROM_ABOVE
                | OpTraits::NO_TERMINATOR
                | OpTraits::GRAPH_REGION
                | OpTraits::SINGLE_BLOCK,
        )],
    );
    ctx.register_dialect(
        DialectDef::new("func", "stand-in"),
        vec![
            OpDef::new("func.func", "a function")
                .traits(OpTraits::SYMBOL | OpTraits::ISOLATED_FROM_ABOVE),
            OpDef::new("func.call", "a call"),
            OpDef::new("func.return", "a return")
                .traits(pure | OpTraits::TERMINATOR | OpTraits::RETURN_LIKE),
        ],
    );
    ctx
}

/// An empty module.
pub fn module(ctx: &mut Context) -> OpId {
    let loc = ctx.unknown_loc();
    ctx.create_module(loc)
}

/// Appends `func.func @name` with `args` arguments of type i32 and
/// `results` i32 results to `module`; returns it and its body.
pub fn func(
    ctx: &mut Context,
    module: OpId,
    name: &str,
    args: usize,
    results: usize,
    private: bool,
) -> (OpId, BlockId) {
    let i32 = ctx.i32_type();
    let fty = ctx.function_type(&vec![i32; args], &vec![i32; results]);
    let mut attrs = vec![
        ("sym_name", ctx.str_attr(name)),
        ("function_type", ctx.type_attr(fty)),
    ];
    if private {
        attrs.push(("sym_visibility", ctx.str_attr("private")));
    }
    let loc = ctx.file_loc("test.mlir", 1, 1);
    let body_block = ctx.module_body(module);
    let region = ctx.create_region();
    let body = ctx.create_block(&vec![i32; args], loc);
    ctx.append_block(region, body);
    let f =
        Builder::new(ctx, InsertPoint::End(body_block)).create("func.func", &[], &[], &attrs, loc);
    ctx.add_region(f, region);
    (f, body)
}

/// A declaration: `func.func private @name` without a body.
pub fn declare(ctx: &mut Context, module: OpId, name: &str) -> OpId {
    let i32 = ctx.i32_type();
    let fty = ctx.function_type(&[], &[i32]);
    let attrs = [
        ("sym_name", ctx.str_attr(name)),
        ("function_type", ctx.type_attr(fty)),
        ("sym_visibility", ctx.str_attr("private")),
    ];
    let loc = ctx.unknown_loc();
    let body = ctx.module_body(module);
    Builder::new(ctx, InsertPoint::End(body)).create("func.func", &[], &[], &attrs, loc)
}

/// Appends an op with one region of one block (with `args` i32
/// arguments) to `block`; returns it and its block.
pub fn with_body(ctx: &mut Context, block: BlockId, name: &str, args: usize) -> (OpId, BlockId) {
    let i32 = ctx.i32_type();
    let loc = ctx.unknown_loc();
    let region = ctx.create_region();
    let body = ctx.create_block(&vec![i32; args], loc);
    ctx.append_block(region, body);
    let op = Builder::new(ctx, InsertPoint::End(block)).create(name, &[], &[], &[], loc);
    ctx.add_region(op, region);
    (op, body)
}

/// Appends a block to the first region of `op`.
pub fn add_block(ctx: &mut Context, op: OpId) -> BlockId {
    let loc = ctx.unknown_loc();
    let block = ctx.create_block(&[], loc);
    let region = ctx.op(op).regions[0];
    ctx.append_block(region, block);
    block
}

/// `test.const` holding `v : i32`.
pub fn konst(ctx: &mut Context, block: BlockId, v: i128) -> Value {
    let i32 = ctx.i32_type();
    let a = ctx.int_attr(v, i32);
    let loc = ctx.unknown_loc();
    Builder::new(ctx, InsertPoint::End(block)).create_value(
        "test.const",
        &[],
        i32,
        &[("value", a)],
        loc,
    )
}

/// An op named `name` with one i32 result.
pub fn op(ctx: &mut Context, block: BlockId, name: &str, operands: &[Value]) -> Value {
    op_with(ctx, block, name, operands, &[])
}

/// An op named `name` with one i32 result and attributes.
pub fn op_with(
    ctx: &mut Context,
    block: BlockId,
    name: &str,
    operands: &[Value],
    attrs: &[(&str, Attribute)],
) -> Value {
    let i32 = ctx.i32_type();
    let loc = ctx.unknown_loc();
    Builder::new(ctx, InsertPoint::End(block)).create_value(name, operands, i32, attrs, loc)
}

/// An op named `name` without results.
pub fn stmt(ctx: &mut Context, block: BlockId, name: &str, operands: &[Value]) -> OpId {
    let loc = ctx.unknown_loc();
    Builder::new(ctx, InsertPoint::End(block)).create(name, operands, &[], &[], loc)
}

/// `func.call @callee(args)` with `results` i32 results.
pub fn call(
    ctx: &mut Context,
    block: BlockId,
    callee: &str,
    args: &[Value],
    results: usize,
) -> OpId {
    let i32 = ctx.i32_type();
    let c = ctx.symbol_ref_attr(callee);
    let loc = ctx.file_loc("test.mlir", 9, 5);
    Builder::new(ctx, InsertPoint::End(block)).create(
        "func.call",
        args,
        &vec![i32; results],
        &[("callee", c)],
        loc,
    )
}

/// The op names of `block`, in order.
pub fn names(ctx: &Context, block: BlockId) -> Vec<String> {
    ctx.block_ops(block)
        .map(|o| ctx.op_name_of(o).to_string())
        .collect()
}

/// The `sym_name`s of the ops of `module`'s body, in order.
pub fn symbols(ctx: &Context, module: OpId) -> Vec<String> {
    ctx.block_ops(ctx.module_body(module))
        .filter_map(|o| ctx.symbol_name(o).map(str::to_string))
        .collect()
}

/// The integer a `test.const` result holds.
pub fn const_of(ctx: &Context, v: Value) -> Option<i128> {
    let op = ctx.defining_op(v)?;
    if !ctx.op_is(op, "test.const") {
        return None;
    }
    ctx.attr_data_of(op, "value")?.as_int()
}

/// Runs `pass` on `op`, returning its state.
pub fn run_pass(pass: &mut dyn Pass, ctx: &mut Context, op: OpId) -> PassState {
    let mut state = PassState::default();
    pass.run(ctx, op, &mut state).expect("the pass succeeds");
    state
}

/// A counter of `state`.
pub fn stat(state: &PassState, name: &str) -> u64 {
    match state.statistics.iter().find(|(n, _)| n == name) {
        Some((_, tessera_compiler::pass::Statistic::Count(c))) => *c,
        _ => panic!("no counter {name} in {:?}", state.statistics),
    }
}

/// Creates the pass `name` of this crate with `options` (`"k=v k2=v2"`).
pub fn create(name: &str, options: &str) -> Box<dyn Pass> {
    let mut reg = tessera_compiler::pass::PassRegistry::new();
    tessera_passes::register_all(&mut reg);
    let settings = tessera_compiler::pass::parse_options(options).expect("options parse");
    let (_, _, pass) = reg.create(name, &settings, 0).expect("the pass creates");
    pass
}
