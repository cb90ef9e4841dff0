//! The scf dialect from Rust: builders make IR that verifies and prints in
//! MLIR's syntax, and views give interpreters and passes the operands and
//! blocks of parsed ops.

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{BlockId, Context, OpId};
use tessera_dialects::scf::{self, ForOp, IfOp, ParallelOp, WhileOp};

fn new_ctx() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx
}

fn parse(ctx: &mut Context, text: &str) -> OpId {
    let config = ParseConfig {
        file_name: "t.mlir".into(),
        line_offset: 0,
    };
    let m = parse_module(ctx, text, &config).unwrap_or_else(|d| panic!("{}", d[0].message));
    verify(ctx, m).unwrap_or_else(|d| panic!("{}", d[0].message));
    m
}

fn entry(ctx: &Context, module: OpId) -> BlockId {
    let f = ctx
        .block_ops(ctx.module_body(module))
        .find(|&o| ctx.op_is(o, "func.func"))
        .unwrap();
    ctx.entry_block(f, 0).unwrap()
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = new_ctx();
    let loc = ctx.unknown_loc();
    let index = ctx.index_type();
    let i1 = ctx.i1_type();
    let f32 = ctx.f32_type();
    let module = parse(
        &mut ctx,
        "func.func @f(%lb: index, %ub: index, %c: i1, %x: f32) -> f32 {\n  return %x : f32\n}",
    );
    let body = entry(&ctx, module);
    let args = ctx.block_args(body).to_vec();
    let ret = ctx.last_op(body).unwrap();
    let mut b = Builder::new(&mut ctx, InsertPoint::Before(ret));

    let l = scf::build_for(&mut b, args[0], args[1], args[0], &[args[3]], loc);
    let mut inner = Builder::new(b.ctx, InsertPoint::End(l.body));
    let s = inner.create_value(
        "arith.addf",
        &[l.iter_args[0], l.iter_args[0]],
        f32,
        &[],
        loc,
    );
    scf::build_yield(&mut inner, &[s], loc);

    let (_, then_b, else_b) = scf::build_if(&mut b, args[2], &[f32], true, loc);
    let mut inner = Builder::new(b.ctx, InsertPoint::End(then_b));
    scf::build_yield(&mut inner, &[l.results[0]], loc);
    let mut inner = Builder::new(b.ctx, InsertPoint::End(else_b.unwrap()));
    scf::build_yield(&mut inner, &[args[3]], loc);

    let (w, before, after) = scf::build_while(&mut b, &[args[0]], &[index], loc);
    let cur = b.ctx.block_args(before)[0];
    let mut inner = Builder::new(b.ctx, InsertPoint::End(before));
    let pred = inner.create_value("arith.cmpi", &[cur, args[1]], i1, &[], loc);
    let slt = inner.ctx.i64_attr(2);
    inner
        .ctx
        .set_attr(inner.ctx.defining_op(pred).unwrap(), "predicate", slt);
    scf::build_condition(&mut inner, pred, &[cur], loc);
    let next = b.ctx.block_args(after)[0];
    let mut inner = Builder::new(b.ctx, InsertPoint::End(after));
    scf::build_yield(&mut inner, &[next], loc);
    assert_eq!(b.ctx.op(w).results.len(), 1);

    let empty = scf::build_for(&mut b, args[0], args[1], args[0], &[], loc);
    assert!(
        b.ctx
            .last_op(empty.body)
            .is_some_and(|y| b.ctx.op_is(y, "scf.yield"))
    );

    verify(&ctx, module).unwrap_or_else(|d| panic!("{}", d[0].message));
    let text = print_op(&ctx, module, &PrintOptions::default());
    let expected = r#"module {
  func.func @f(%arg0: index, %arg1: index, %arg2: i1, %arg3: f32) -> f32 {
    %0 = scf.for %arg4 = %arg0 to %arg1 step %arg0 iter_args(%arg5 = %arg3) -> (f32) {
      %1 = arith.addf %arg5, %arg5 : f32
      scf.yield %1 : f32
    }
    %2 = scf.if %arg2 -> (f32) {
      scf.yield %0 : f32
    } else {
      scf.yield %arg3 : f32
    }
    %3 = scf.while (%arg6 = %arg0) : (index) -> index {
      %4 = arith.cmpi slt, %arg6, %arg1 : index
      scf.condition(%4) %arg6 : index
    } do {
    ^bb0(%arg7: index):
      scf.yield %arg7 : index
    }
    scf.for %arg8 = %arg0 to %arg1 step %arg0 {
      scf.yield
    }
    func.return %arg3 : f32
  }
}
"#;
    assert_eq!(text, expected);
    let mut ctx2 = new_ctx();
    let m2 = parse(&mut ctx2, &text);
    assert_eq!(print_op(&ctx2, m2, &PrintOptions::default()), expected);
}

#[test]
fn views_give_operands_and_blocks() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"func.func @f(%lb: index, %ub: index, %c: i1, %x: f32, %n: i32) -> f32 {
  %r = scf.for %i = %n to %n step %n iter_args(%a = %x) -> (f32) : i32 {
    scf.yield %a : f32
  }
  %t = scf.if %c -> (f32) {
    scf.yield %x : f32
  } else {
    scf.yield %r : f32
  }
  scf.if %c {
  }
  %w = scf.while (%a = %x) : (f32) -> f32 {
    scf.condition(%c) %a : f32
  } do {
  ^bb0(%b: f32):
    scf.yield %b : f32
  }
  %p = scf.parallel (%i, %j) = (%lb, %lb) to (%ub, %ub) step (%lb, %ub) init (%x) -> f32 {
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %rr: f32):
      scf.reduce.return %l : f32
    }
  }
  return %t : f32
}"#,
    );
    let body = entry(&ctx, m);
    let args = ctx.block_args(body).to_vec();
    let ops = ctx.block_ops_vec(body);
    let f = ForOp::view(&ctx, ops[0]).unwrap();
    assert_eq!((f.lower, f.upper, f.step), (args[4], args[4], args[4]));
    assert_eq!(
        (f.inits, f.iter_args.len(), f.results.len()),
        (&[args[3]][..], 1, 1)
    );
    assert_eq!(ctx.value_type(f.induction_var), ctx.value_type(args[4]));
    let t = IfOp::view(&ctx, ops[1]).unwrap();
    assert_eq!((t.condition, t.else_block.is_some()), (args[2], true));
    assert!(IfOp::view(&ctx, ops[2]).unwrap().else_block.is_none());
    let w = WhileOp::view(&ctx, ops[3]).unwrap();
    let cond = w.condition_op(&ctx).unwrap();
    assert_eq!(
        ctx.op(cond).operands,
        vec![args[2], ctx.block_args(w.before)[0]]
    );
    assert_eq!(ctx.block_args(w.after).len(), 1);
    let p = ParallelOp::view(&ctx, ops[4]).unwrap();
    assert_eq!(
        (p.lower, p.upper, p.steps),
        (
            &[args[0], args[0]][..],
            &[args[1], args[1]][..],
            &[args[0], args[1]][..]
        )
    );
    assert_eq!((p.inits, p.induction_vars.len()), (&[args[3]][..], 2));
    let reduce = p.reduce_op(&ctx).unwrap();
    assert_eq!(ctx.op(reduce).regions.len(), 1);
    assert!(ForOp::view(&ctx, ops[1]).is_none());
}
