//! The affine dialect from Rust: builders make IR that verifies and prints
//! in MLIR's syntax, views give interpreters and passes the maps, operands
//! and blocks of parsed ops, and the dimension/symbol rules follow MLIR's.

use tessera_compiler::affine::{AffineExpr, AffineMap, IntegerSet};
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{BlockId, Context, Location, OpId, Value};
use tessera_dialects::affine::{
    self, ApplyKind, ApplyOp, Bound, ForOp, IfOp, LoadOp, ParallelDim, ParallelOp, Reduction,
    StoreOp, is_valid_dim, is_valid_symbol,
};

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

/// The first function of `module`: its op and entry block.
fn first_func(ctx: &Context, module: OpId) -> (OpId, BlockId) {
    let f = ctx
        .block_ops(ctx.module_body(module))
        .find(|&o| ctx.op_is(o, "func.func"))
        .unwrap();
    (f, ctx.entry_block(f, 0).unwrap())
}

/// A module with `func.func @f(args) -> results` and its entry block.
fn func(
    ctx: &mut Context,
    args: &[tessera_compiler::Type],
    results: &[tessera_compiler::Type],
) -> (OpId, BlockId, Location) {
    let loc = ctx.unknown_loc();
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let ft = ctx.function_type(args, results);
    let name = ctx.str_attr("f");
    let fty = ctx.type_attr(ft);
    let mut b = Builder::new(ctx, InsertPoint::End(body));
    let f = b.create(
        "func.func",
        &[],
        &[],
        &[("sym_name", name), ("function_type", fty)],
        loc,
    );
    let region = ctx.create_region();
    let entry = ctx.create_block(args, loc);
    ctx.append_block(region, entry);
    ctx.add_region(f, region);
    (module, entry, loc)
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = new_ctx();
    let f32 = ctx.f32_type();
    let index = ctx.index_type();
    let mty = ctx.memref_type(&[16, 4], f32);
    let (module, entry, loc) = func(&mut ctx, &[mty, index, f32], &[f32, f32]);
    let args = ctx.block_args(entry).to_vec();
    let (m, n, init) = (args[0], args[1], args[2]);
    let (d0, s0) = (AffineExpr::dim(0), AffineExpr::symbol(0));
    let mut b = Builder::new(&mut ctx, InsertPoint::End(entry));

    // A reduction loop over a constant range.
    let l = affine::build_for(
        &mut b,
        Bound::Constant(0),
        Bound::Constant(16),
        2,
        &[init],
        loc,
    );
    let mut inner = Builder::new(b.ctx, InsertPoint::End(l.body));
    let sub = AffineMap::new(1, 1, vec![d0.clone() + 1, s0.clone()]);
    let x = affine::build_load(&mut inner, m, sub, &[l.induction_var, n], loc);
    let s = inner.create_value("arith.addf", &[l.iter_args[0], x], f32, &[], loc);
    affine::build_yield(&mut inner, &[s], loc);

    // A loop with a max/min bound, an apply, an if and a store inside.
    let lb = Bound::Map(
        AffineMap::new(0, 1, vec![s0.clone(), AffineExpr::constant(1)]),
        vec![n],
    );
    let ub = Bound::Value(n);
    let l2 = affine::build_for(&mut b, lb, ub, 1, &[], loc);
    let yield_op = b.ctx.last_op(l2.body).unwrap();
    let mut inner = Builder::new(b.ctx, InsertPoint::Before(yield_op));
    let j = affine::build_apply(
        &mut inner,
        ApplyKind::Apply,
        AffineMap::new(1, 0, vec![d0.clone() * 2]),
        &[l2.induction_var],
        loc,
    );
    let set = IntegerSet::new(1, 1, vec![(s0.clone() - d0.clone() - 1, false)]);
    let (_, then_block, else_block) = affine::build_if(&mut inner, set, &[j, n], &[], false, loc);
    assert!(else_block.is_none());
    let then_yield = inner.ctx.last_op(then_block).unwrap();
    let mut then_b = Builder::new(inner.ctx, InsertPoint::Before(then_yield));
    let store_map = AffineMap::new(1, 0, vec![d0.clone(), d0.clone().modulo(4)]);
    affine::build_store(&mut then_b, init, m, store_map, &[j], loc);

    // A parallel reduction.
    let dims = [
        ParallelDim {
            lower: vec![AffineExpr::constant(0)],
            upper: vec![s0.clone(), AffineExpr::constant(16)],
            step: 1,
        },
        ParallelDim {
            lower: vec![AffineExpr::constant(0)],
            upper: vec![AffineExpr::constant(4)],
            step: 2,
        },
    ];
    let (par, pbody) =
        affine::build_parallel(&mut b, &dims, 0, &[n], &[(Reduction::MaximumF, f32)], loc);
    let ivs = b.ctx.block_args(pbody).to_vec();
    let mut inner = Builder::new(b.ctx, InsertPoint::End(pbody));
    let v = affine::build_load(&mut inner, m, AffineMap::identity(2), &ivs, loc);
    affine::build_yield(&mut inner, &[v], loc);
    let pr = ctx.op(par).results[0];
    let mut b = Builder::new(&mut ctx, InsertPoint::End(entry));
    b.create("func.return", &[l.results[0], pr], &[], &[], loc);

    verify(&ctx, module).unwrap_or_else(|d| panic!("{}", d[0].message));
    let text = print_op(&ctx, module, &PrintOptions::default());
    let expected = r#"module {
  func.func @f(%arg0: memref<16x4xf32>, %arg1: index, %arg2: f32) -> (f32, f32) {
    %0 = affine.for %arg3 = 0 to 16 step 2 iter_args(%arg4 = %arg2) -> (f32) {
      %1 = affine.load %arg0[%arg3 + 1, symbol(%arg1)] : memref<16x4xf32>
      %2 = arith.addf %arg4, %1 : f32
      affine.yield %2 : f32
    }
    affine.for %arg5 = max affine_map<()[s0] -> (s0, 1)>()[%arg1] to %arg1 {
      %3 = affine.apply affine_map<(d0) -> (d0 * 2)>(%arg5)
      affine.if affine_set<(d0)[s0] : (-d0 + s0 - 1 >= 0)>(%3)[%arg1] {
        affine.store %arg2, %arg0[%3, %3 mod 4] : memref<16x4xf32>
        affine.yield
      }
      affine.yield
    }
    %4 = affine.parallel (%arg6, %arg7) = (0, 0) to (min(symbol(%arg1), 16), 4) step (1, 2) reduce ("maximumf") -> (f32) {
      %5 = affine.load %arg0[%arg6, %arg7] : memref<16x4xf32>
      affine.yield %5 : f32
    }
    func.return %0, %4 : f32, f32
  }
}
"#;
    assert_eq!(text, expected);
    let mut ctx2 = new_ctx();
    let m2 = parse(&mut ctx2, &text);
    let again = print_op(&ctx2, m2, &PrintOptions::default());
    assert_eq!(again, expected);
}

/// The iterations `affine.for` runs, computed from its view only: what an
/// interpreter does with it.
fn iterations(ctx: &Context, f: &ForOp<'_>, values: &dyn Fn(Value) -> i64) -> Vec<i64> {
    let operands = |vs: &[Value]| vs.iter().map(|&v| values(v)).collect::<Vec<_>>();
    let lb = f
        .lower_map
        .eval_operands(&operands(f.lower_operands))
        .unwrap();
    let ub = f
        .upper_map
        .eval_operands(&operands(f.upper_operands))
        .unwrap();
    let (lb, ub) = (*lb.iter().max().unwrap(), *ub.iter().min().unwrap());
    let _ = ctx;
    (lb..ub).step_by(f.step as usize).collect()
}

#[test]
fn views_give_maps_operands_and_blocks() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"#lb = affine_map<(d0)[s0] -> (d0 + s0, d0 floordiv 2)>
func.func @f(%m: memref<16x4xf32>, %n: index, %k: index, %x: f32) -> f32 {
  %r = affine.for %i = max #lb(%k)[%n] to min affine_map<()[s0] -> (s0, 10)>()[%n] step 3 iter_args(%a = %x) -> (f32) {
    %v = affine.load %m[%i + 1, symbol(%n)] : memref<16x4xf32>
    affine.store %v, %m[%i, %i * 2 - 1] : memref<16x4xf32>
    %j = affine.min affine_map<(d0)[s0] -> (d0 + s0, 7)>(%i)[%n]
    %c = affine.if affine_set<(d0) : (d0 - 5 >= 0)>(%i) -> f32 {
      affine.yield %v : f32
    } else {
      affine.yield %a : f32
    }
    affine.yield %c : f32
  }
  %p = affine.parallel (%i, %j) = (0, max(%n, 2)) to (%n floordiv 2, 4) step (1, 2) reduce ("addf") -> (f32) {
    %v = affine.load %m[%i, %j] : memref<16x4xf32>
    affine.yield %v : f32
  }
  return %r : f32
}"#,
    );
    let (_, entry) = first_func(&ctx, m);
    let args = ctx.block_args(entry).to_vec();
    let (mem, n, k) = (args[0], args[1], args[2]);
    let ops = ctx.block_ops_vec(entry);
    let f = ForOp::view(&ctx, ops[0]).unwrap();
    assert_eq!(
        f.lower_map.to_string(),
        "(d0)[s0] -> (d0 + s0, d0 floordiv 2)"
    );
    assert_eq!(
        (f.lower_operands, f.upper_operands),
        (&[k, n][..], &[n][..])
    );
    assert_eq!(f.upper_map.to_string(), "()[s0] -> (s0, 10)");
    assert_eq!((f.step, f.inits, f.iter_args.len()), (3, &[args[3]][..], 1));
    assert_eq!(f.constant_bounds(), None);
    // lb = max(k + n, k floordiv 2), ub = min(n, 10).
    let values = |v: Value| {
        if v == n {
            9
        } else if v == k {
            -4
        } else {
            0
        }
    };
    assert_eq!(iterations(&ctx, &f, &values), vec![5, 8]);

    let body = ctx.block_ops_vec(f.body);
    let load = LoadOp::view(&ctx, body[0]).unwrap();
    assert_eq!(
        (load.memref, load.indices),
        (mem, &[f.induction_var, n][..])
    );
    assert_eq!(load.map.eval_operands(&[4, 9]).unwrap(), vec![5, 9]);
    let store = StoreOp::view(&ctx, body[1]).unwrap();
    assert_eq!(
        (store.value, store.map.to_string()),
        (load.result, "(d0) -> (d0, d0 * 2 - 1)".to_string())
    );
    let min = ApplyOp::view(&ctx, body[2]).unwrap();
    assert_eq!(min.kind, ApplyKind::Min);
    assert_eq!(min.eval(&[2, 3]), Ok(5));
    assert_eq!(min.eval(&[2, 30]), Ok(7));
    let cond = IfOp::view(&ctx, body[3]).unwrap();
    assert!(cond.else_block.is_some());
    assert_eq!(cond.condition.contains_operands(&[5]), Ok(true));
    assert_eq!(cond.condition.contains_operands(&[4]), Ok(false));
    assert_eq!(f.yield_op(&ctx), Some(body[4]));

    let p = ParallelOp::view(&ctx, ops[1]).unwrap();
    assert_eq!(
        (p.lower_groups.clone(), p.upper_groups.clone()),
        (vec![1, 2], vec![1, 1])
    );
    assert_eq!(p.steps, vec![1, 2]);
    assert_eq!(p.reductions, vec![Reduction::AddF]);
    assert_eq!(
        p.bound_map(1, false).unwrap().to_string(),
        "(d0) -> (d0, 2)"
    );
    assert_eq!(
        p.bound_map(0, true).unwrap().eval_operands(&[9]).unwrap(),
        vec![4]
    );
    assert_eq!((p.lower_operands, p.upper_operands), (&[n][..], &[n][..]));
    assert_eq!(p.induction_vars.len(), 2);
}

#[test]
fn dimensions_and_symbols_follow_mlir() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"func.func @f(%n: index, %x: i32) {
  %c = arith.constant 4 : index
  affine.for %i = 0 to 10 {
    %a = affine.apply affine_map<(d0) -> (d0 + 1)>(%i)
    %s = affine.apply affine_map<()[s0] -> (s0 * 2)>()[%n]
    %k = arith.constant 1 : index
    %t = arith.addi %i, %k : index
  }
  return
}"#,
    );
    let (_, entry) = first_func(&ctx, m);
    let args = ctx.block_args(entry).to_vec();
    let ops = ctx.block_ops_vec(entry);
    let c = ctx.op(ops[0]).results[0];
    let f = ForOp::view(&ctx, ops[1]).unwrap();
    let body = ctx.block_ops_vec(f.body);
    let res = |i: usize| ctx.op(body[i]).results[0];
    // Function arguments and top-level values are symbols (and dimensions).
    assert!(is_valid_symbol(&ctx, args[0]) && is_valid_dim(&ctx, args[0]));
    assert!(is_valid_symbol(&ctx, c));
    // Non-index values are neither.
    assert!(!is_valid_symbol(&ctx, args[1]) && !is_valid_dim(&ctx, args[1]));
    // An induction variable is a dimension, not a symbol.
    assert!(is_valid_dim(&ctx, f.induction_var) && !is_valid_symbol(&ctx, f.induction_var));
    // affine.apply inherits from its operands.
    assert!(is_valid_dim(&ctx, res(0)) && !is_valid_symbol(&ctx, res(0)));
    assert!(is_valid_symbol(&ctx, res(1)));
    // Constants anywhere are symbols; other arithmetic in a loop is neither.
    assert!(is_valid_symbol(&ctx, res(2)));
    assert!(!is_valid_dim(&ctx, res(3)));
}

#[test]
fn reductions_have_mlir_codes() {
    for (code, name) in [
        (0, "addf"),
        (1, "addi"),
        (3, "maximumf"),
        (7, "mins"),
        (12, "andi"),
        (14, "minnumf"),
    ] {
        let r = Reduction::from_code(code).unwrap();
        assert_eq!((r.name(), r.code()), (name, code));
        assert_eq!(Reduction::from_name(name), Some(r));
    }
    assert_eq!(Reduction::from_code(15), None);
    assert_eq!(Reduction::from_name("plus"), None);
}
