//! Tests of the structural verifier, one rule at a time, on IR built with
//! the `Builder` API and a toy dialect (`builtin`, `func` and `test` ops
//! defined here, so these tests do not depend on `tessera-dialects`).

use tessera_compiler::diag::{Diagnostic, file_pos};
use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::verify::verify;
use tessera_compiler::{
    BlockId, Context, DialectDef, Location, OpDef, OpId, OpTraits, Type, Value,
};

fn toy_context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(
        DialectDef::new("builtin", "builtin"),
        vec![OpDef::new("builtin.module", "a module").traits(
            OpTraits::NO_TERMINATOR
                | OpTraits::SYMBOL_TABLE
                | OpTraits::GRAPH_REGION
                | OpTraits::ISOLATED_FROM_ABOVE
                | OpTraits::SINGLE_BLOCK,
        )],
    );
    ctx.register_dialect(
        DialectDef::new("func", "functions"),
        vec![
            OpDef::new("func.func", "a function")
                .traits(OpTraits::ISOLATED_FROM_ABOVE | OpTraits::SYMBOL),
            OpDef::new("func.return", "return")
                .traits(OpTraits::TERMINATOR | OpTraits::RETURN_LIKE),
        ],
    );
    ctx.register_dialect(
        DialectDef::new("test", "toy ops"),
        vec![
            OpDef::new("test.const", "a value").traits(OpTraits::PURE),
            OpDef::new("test.use", "uses its operands"),
            OpDef::new("test.br", "branches to its successors").traits(OpTraits::TERMINATOR),
            OpDef::new("test.yield", "ends a test.region block").traits(OpTraits::TERMINATOR),
            OpDef::new("test.region", "an op with one SSACFG region"),
            OpDef::new("test.single", "an op with single-block regions")
                .traits(OpTraits::SINGLE_BLOCK | OpTraits::NO_TERMINATOR),
            OpDef::new("test.graph", "an op with a graph region")
                .traits(OpTraits::GRAPH_REGION | OpTraits::NO_TERMINATOR),
            OpDef::new("test.checked", "fails its own verifier").verify(|ctx, op| {
                Err(Diagnostic::error(
                    ctx.op(op).loc,
                    format!(
                        "'test.checked' op hook failed ({} regions)",
                        ctx.op(op).regions.len()
                    ),
                ))
            }),
        ],
    );
    ctx
}

/// A location on line `line` of `t.mlir`.
fn at(ctx: &mut Context, line: u32) -> Location {
    ctx.file_loc("t.mlir", line, 1)
}

fn i32t(ctx: &mut Context) -> Type {
    ctx.i32_type()
}

/// A module holding one function `name` whose body has `n_blocks` blocks;
/// returns (module, function, blocks).
fn module_with_func(ctx: &mut Context, name: &str, n_blocks: usize) -> (OpId, OpId, Vec<BlockId>) {
    let loc = at(ctx, 1);
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let f = add_func(ctx, body, name, n_blocks, 2);
    let blocks = ctx.region(ctx.op(f).regions[0]).blocks.clone();
    (module, f, blocks)
}

fn add_func(ctx: &mut Context, block: BlockId, name: &str, n_blocks: usize, line: u32) -> OpId {
    let loc = at(ctx, line);
    let region = ctx.create_region();
    for _ in 0..n_blocks {
        let b = ctx.create_block(&[], loc);
        ctx.append_block(region, b);
    }
    let sym = ctx.str_attr(name);
    let mut b = Builder::new(ctx, InsertPoint::End(block));
    let f = b.create("func.func", &[], &[], &[("sym_name", sym)], loc);
    ctx.add_region(f, region);
    f
}

fn op(
    ctx: &mut Context,
    block: BlockId,
    name: &str,
    operands: &[Value],
    results: usize,
    line: u32,
) -> OpId {
    let loc = at(ctx, line);
    let t = i32t(ctx);
    let types = vec![t; results];
    Builder::new(ctx, InsertPoint::End(block)).create(name, operands, &types, &[], loc)
}

fn value(ctx: &mut Context, block: BlockId, line: u32) -> Value {
    let o = op(ctx, block, "test.const", &[], 1, line);
    ctx.result(o, 0)
}

fn ret(ctx: &mut Context, block: BlockId, line: u32) -> OpId {
    op(ctx, block, "func.return", &[], 0, line)
}

fn branch(ctx: &mut Context, block: BlockId, succs: &[BlockId], line: u32) -> OpId {
    let loc = at(ctx, line);
    let name = ctx.op_name("test.br");
    let mut state = OperationState::new(name, loc);
    state.successors = succs.to_vec();
    Builder::new(ctx, InsertPoint::End(block)).insert(state)
}

fn errors(ctx: &Context, root: OpId) -> Vec<Diagnostic> {
    match verify(ctx, root) {
        Ok(()) => Vec::new(),
        Err(d) => d,
    }
}

fn messages(ctx: &Context, root: OpId) -> Vec<String> {
    errors(ctx, root).into_iter().map(|d| d.message).collect()
}

fn line_of(ctx: &Context, loc: Location) -> u32 {
    file_pos(ctx, loc).map_or(0, |p| p.line)
}

#[test]
fn valid_ir_verifies() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let a = value(&mut ctx, blocks[0], 3);
    let b = value(&mut ctx, blocks[0], 4);
    op(&mut ctx, blocks[0], "test.use", &[a, b], 1, 5);
    ret(&mut ctx, blocks[0], 6);
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
}

#[test]
fn unregistered_ops_are_rejected_unless_allowed() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    op(&mut ctx, blocks[0], "foo.bar", &[], 0, 3);
    ret(&mut ctx, blocks[0], 4);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].message.starts_with(
            "unregistered operation 'foo.bar' found in dialect ('foo') that is not loaded"
        ),
        "{}",
        errs[0].message
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 3);
    ctx.allow_unregistered = true;
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
}

#[test]
fn unknown_op_of_a_loaded_dialect_is_rejected_even_when_unregistered_are_allowed() {
    let mut ctx = toy_context();
    ctx.allow_unregistered = true;
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    op(&mut ctx, blocks[0], "test.typo", &[], 0, 3);
    ret(&mut ctx, blocks[0], 4);
    assert_eq!(
        messages(&ctx, module),
        [
            "unregistered operation 'test.typo' found in dialect ('test') that does not allow unknown operations"
        ]
    );
}

#[test]
fn blocks_must_end_with_a_terminator() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    value(&mut ctx, blocks[0], 3);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].message.starts_with("block with no terminator"),
        "{}",
        errs[0].message
    );
    assert!(errs[0].message.contains("'test.const'"));
    assert_eq!(line_of(&ctx, errs[0].loc), 3);
}

#[test]
fn empty_blocks_need_a_terminator_but_not_under_no_terminator_ops() {
    let mut ctx = toy_context();
    let (module, _, _) = module_with_func(&mut ctx, "f", 1);
    assert_eq!(
        messages(&ctx, module),
        ["'func.func' op empty block: expected at least a terminator"]
    );
    // The module itself is NO_TERMINATOR: an empty module is fine.
    let loc = at(&mut ctx, 1);
    let empty = ctx.create_module(loc);
    assert_eq!(messages(&ctx, empty), Vec::<String>::new());
}

#[test]
fn a_terminator_must_be_last() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    ret(&mut ctx, blocks[0], 3);
    ret(&mut ctx, blocks[0], 4);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].message,
        "'func.return' op must be the last operation in the parent block"
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 3);
}

#[test]
fn unregistered_ops_may_end_blocks_and_hold_anything() {
    let mut ctx = toy_context();
    ctx.allow_unregistered = true;
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let u = op(&mut ctx, blocks[0], "foo.terminator", &[], 0, 3);
    // An unregistered op's region needs no terminator.
    let r = ctx.create_region();
    let loc = at(&mut ctx, 4);
    let b = ctx.create_block(&[], loc);
    ctx.append_block(r, b);
    ctx.add_region(u, r);
    value(&mut ctx, b, 5);
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
}

#[test]
fn single_block_regions() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let s = op(&mut ctx, blocks[0], "test.single", &[], 0, 3);
    ret(&mut ctx, blocks[0], 4);
    let r = ctx.create_region();
    let loc = at(&mut ctx, 3);
    for _ in 0..2 {
        let b = ctx.create_block(&[], loc);
        ctx.append_block(r, b);
    }
    ctx.add_region(s, r);
    assert_eq!(
        messages(&ctx, module),
        ["'test.single' op expects region #0 to have 0 or 1 blocks"]
    );
}

#[test]
fn use_before_def_in_a_block() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let user = op(&mut ctx, blocks[0], "test.use", &[], 0, 3);
    let v = value(&mut ctx, blocks[0], 4);
    ret(&mut ctx, blocks[0], 5);
    ctx.set_operands(user, &[v]);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].message,
        "'test.use' op operand #0 does not dominate this use"
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 3);
    assert_eq!(errs[0].notes.len(), 1);
    assert_eq!(errs[0].notes[0].message, "operand defined here");
    assert_eq!(line_of(&ctx, errs[0].notes[0].loc), 4);
}

#[test]
fn an_op_may_not_use_its_own_result() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let user = op(&mut ctx, blocks[0], "test.use", &[], 1, 3);
    ret(&mut ctx, blocks[0], 4);
    let own = ctx.result(user, 0);
    ctx.set_operands(user, &[own]);
    assert_eq!(
        messages(&ctx, module),
        ["'test.use' op operand #0 does not dominate this use"]
    );
}

#[test]
fn graph_regions_have_no_order() {
    let mut ctx = toy_context();
    let loc = at(&mut ctx, 1);
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    // In the module's graph region, a use may come before its definition.
    let user = op(&mut ctx, body, "test.use", &[], 0, 2);
    let v = value(&mut ctx, body, 3);
    ctx.set_operands(user, &[v]);
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
    // So may it in a registered GRAPH_REGION op's region.
    let g = op(&mut ctx, body, "test.graph", &[], 0, 4);
    let r = ctx.create_region();
    let b = ctx.create_block(&[], loc);
    ctx.append_block(r, b);
    ctx.add_region(g, r);
    let user2 = op(&mut ctx, b, "test.use", &[], 0, 5);
    let w = value(&mut ctx, b, 6);
    ctx.set_operands(user2, &[w]);
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
}

/// entry -> (b1 | b2) -> b3, plus an unreachable b4.
fn diamond(ctx: &mut Context) -> (OpId, Vec<BlockId>) {
    let (module, _, blocks) = module_with_func(ctx, "f", 5);
    let [entry, b1, b2, _, _] = blocks[..] else {
        unreachable!()
    };
    branch(ctx, entry, &[b1, b2], 10);
    (module, blocks.clone())
}

#[test]
fn dominance_across_blocks() {
    let mut ctx = toy_context();
    let (module, blocks) = diamond(&mut ctx);
    let [entry, b1, b2, b3, b4] = blocks[..] else {
        unreachable!()
    };
    // A value of the entry block (before its terminator) dominates b3.
    let top = value(&mut ctx, entry, 9);
    ctx.move_op_before(ctx.defining_op(top).unwrap(), ctx.first_op(entry).unwrap());
    let x = value(&mut ctx, b1, 20);
    branch(&mut ctx, b1, &[b3], 21);
    branch(&mut ctx, b2, &[b3], 30);
    op(&mut ctx, b3, "test.use", &[top], 0, 40);
    ret(&mut ctx, b3, 41);
    // An unreachable block may use anything.
    op(&mut ctx, b4, "test.use", &[x], 0, 50);
    ret(&mut ctx, b4, 51);
    assert_eq!(messages(&ctx, module), Vec::<String>::new());
    // A value of b1 does not dominate b3 (b2 is another way in).
    let bad = op(&mut ctx, b3, "test.use", &[x], 0, 42);
    let ret_op = ctx.prev_op(bad).unwrap();
    ctx.move_op_before(bad, ret_op);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].message,
        "'test.use' op operand #0 does not dominate this use"
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 42);
    assert_eq!(line_of(&ctx, errs[0].notes[0].loc), 20);
}

#[test]
fn block_arguments_dominate_only_their_dominated_blocks() {
    let mut ctx = toy_context();
    let (module, blocks) = diamond(&mut ctx);
    let [_, b1, b2, b3, b4] = blocks[..] else {
        unreachable!()
    };
    ret(&mut ctx, b4, 50);
    let t = i32t(&mut ctx);
    let loc = at(&mut ctx, 19);
    let arg = ctx.add_block_arg(b1, t, loc);
    op(&mut ctx, b1, "test.use", &[arg], 0, 20);
    branch(&mut ctx, b1, &[b3], 21);
    branch(&mut ctx, b2, &[b3], 30);
    op(&mut ctx, b3, "test.use", &[arg], 0, 40);
    ret(&mut ctx, b3, 41);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(line_of(&ctx, errs[0].loc), 40);
    // The note points at the argument's location.
    assert_eq!(line_of(&ctx, errs[0].notes[0].loc), 19);
}

#[test]
fn values_of_inner_regions_are_not_visible_outside() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let outer = value(&mut ctx, blocks[0], 3);
    let holder = op(&mut ctx, blocks[0], "test.region", &[], 0, 4);
    let r = ctx.create_region();
    let loc = at(&mut ctx, 5);
    let inner_block = ctx.create_block(&[], loc);
    ctx.append_block(r, inner_block);
    ctx.add_region(holder, r);
    // Inside: using an outer value is fine (test.region is not isolated).
    op(&mut ctx, inner_block, "test.use", &[outer], 0, 5);
    let inner = value(&mut ctx, inner_block, 6);
    op(&mut ctx, inner_block, "test.yield", &[], 0, 7);
    op(&mut ctx, blocks[0], "test.use", &[inner], 0, 8);
    ret(&mut ctx, blocks[0], 9);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].message,
        "'test.use' op operand #0 does not dominate this use"
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 8);
    assert!(errs[0].notes[0].message.contains("does not enclose"));
}

#[test]
fn isolated_from_above_rejects_outer_values_with_a_note_at_the_definition() {
    let mut ctx = toy_context();
    let loc = at(&mut ctx, 1);
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let outer = value(&mut ctx, body, 2);
    let f = add_func(&mut ctx, body, "f", 1, 3);
    let fb = ctx.entry_block(f, 0).unwrap();
    op(&mut ctx, fb, "test.use", &[outer], 0, 4);
    ret(&mut ctx, fb, 5);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].message,
        "'test.use' op operand #0 uses a value defined outside the 'func.func' op, which is isolated from above"
    );
    assert_eq!(line_of(&ctx, errs[0].loc), 4);
    assert_eq!(errs[0].notes[0].message, "value defined here");
    assert_eq!(line_of(&ctx, errs[0].notes[0].loc), 2);
}

#[test]
fn operands_of_erased_or_detached_ops_are_dangling() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let v = value(&mut ctx, blocks[0], 3);
    op(&mut ctx, blocks[0], "test.use", &[v], 0, 4);
    ret(&mut ctx, blocks[0], 5);
    let def = ctx.defining_op(v).unwrap();
    ctx.detach_op(def);
    assert_eq!(
        messages(&ctx, module),
        ["'test.use' op operand #0 uses a result of a detached 'test.const' operation"]
    );
    ctx.erase_op(def);
    assert_eq!(
        messages(&ctx, module),
        ["'test.use' op operand #0 uses a result of an erased 'test.const' operation"]
    );
    // An argument of a block that belongs to no region.
    let t = i32t(&mut ctx);
    let loc = at(&mut ctx, 6);
    let loose = ctx.create_block(&[t], loc);
    let arg = ctx.block_args(loose)[0];
    let user = ctx.first_op(blocks[0]).unwrap();
    ctx.set_operands(user, &[arg]);
    assert_eq!(
        messages(&ctx, module),
        ["'test.use' op operand #0 uses an argument of a detached block"]
    );
}

#[test]
fn symbols_are_unique_within_a_symbol_table() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    ret(&mut ctx, blocks[0], 3);
    let body = ctx.module_body(module);
    let g = add_func(&mut ctx, body, "f", 1, 10);
    let gb = ctx.entry_block(g, 0).unwrap();
    ret(&mut ctx, gb, 11);
    let errs = errors(&ctx, module);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].message, "redefinition of symbol named 'f'");
    assert_eq!(line_of(&ctx, errs[0].loc), 10);
    assert_eq!(
        errs[0].notes[0].message,
        "see existing symbol definition here"
    );
    assert_eq!(line_of(&ctx, errs[0].notes[0].loc), 2);
}

#[test]
fn symbol_ops_need_a_name() {
    let mut ctx = toy_context();
    let (module, f, blocks) = module_with_func(&mut ctx, "f", 1);
    ret(&mut ctx, blocks[0], 3);
    ctx.remove_attr(f, "sym_name");
    assert_eq!(
        messages(&ctx, module),
        ["'func.func' op requires a string attribute 'sym_name'"]
    );
}

#[test]
fn successors_stay_in_their_region_and_never_target_the_entry() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 2);
    branch(&mut ctx, blocks[0], &[blocks[1]], 3);
    branch(&mut ctx, blocks[1], &[blocks[0]], 4);
    assert_eq!(
        messages(&ctx, module),
        [
            "'test.br' op successor #0 is the entry block of its region, which may not have predecessors"
        ]
    );
    let (module2, _, other) = module_with_func(&mut ctx, "g", 1);
    let (_, _, blocks3) = module_with_func(&mut ctx, "h", 2);
    branch(&mut ctx, other[0], &[blocks3[1]], 5);
    assert_eq!(
        messages(&ctx, module2),
        ["'test.br' op successor #0 is not a block of the op's own region"]
    );
}

#[test]
fn op_hooks_run_children_before_parents() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    let parent = op(&mut ctx, blocks[0], "test.checked", &[], 0, 3);
    ret(&mut ctx, blocks[0], 6);
    let r = ctx.create_region();
    let loc = at(&mut ctx, 4);
    let b = ctx.create_block(&[], loc);
    ctx.append_block(r, b);
    ctx.add_region(parent, r);
    op(&mut ctx, b, "test.checked", &[], 0, 4);
    op(&mut ctx, b, "test.yield", &[], 0, 5);
    let errs = errors(&ctx, module);
    let lines: Vec<u32> = errs.iter().map(|d| line_of(&ctx, d.loc)).collect();
    assert_eq!(lines, [4, 3], "{errs:?}");
    assert_eq!(errs[1].message, "'test.checked' op hook failed (1 regions)");
}

#[test]
fn every_error_is_collected() {
    let mut ctx = toy_context();
    let (module, _, blocks) = module_with_func(&mut ctx, "f", 1);
    op(&mut ctx, blocks[0], "foo.bar", &[], 0, 3);
    ret(&mut ctx, blocks[0], 4);
    op(&mut ctx, blocks[0], "test.checked", &[], 0, 5);
    let body = ctx.module_body(module);
    add_func(&mut ctx, body, "f", 1, 7);
    let mut errs = messages(&ctx, module);
    errs.sort();
    assert_eq!(
        errs,
        [
            "'func.func' op empty block: expected at least a terminator",
            "'func.return' op must be the last operation in the parent block",
            "'test.checked' op hook failed (0 regions)",
            "block with no terminator: a block of 'func.func' must end with a terminator, but ends with 'test.checked'",
            "redefinition of symbol named 'f'",
            "unregistered operation 'foo.bar' found in dialect ('foo') that is not loaded; use --allow-unregistered-dialect to accept it",
        ]
    );
}

#[test]
fn verifying_a_nested_op_checks_only_its_contents() {
    let mut ctx = toy_context();
    let loc = at(&mut ctx, 1);
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let f = add_func(&mut ctx, body, "f", 1, 2);
    let fb = ctx.entry_block(f, 0).unwrap();
    ret(&mut ctx, fb, 3);
    add_func(&mut ctx, body, "f", 1, 4);
    assert_eq!(messages(&ctx, f), Vec::<String>::new());
    assert_eq!(messages(&ctx, module).len(), 2);
}
