//! The memref dialect from Rust: builders make IR that verifies and prints
//! in MLIR's syntax, views read parsed ops, and the layout helpers compute
//! strides, offsets and subview types as MLIR does.

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::syntax::{
    ParseConfig, PrintOptions, parse_module, parse_type_str, print_op, type_str,
};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, DYNAMIC, OpId};
use tessera_dialects::memref::{
    self, Alloc, Global, GlobalInit, IndexValue, Load, Store, SubView, cast_compatible,
    strides_and_offset,
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

/// The ops of the first function's body.
fn body_ops(ctx: &Context, module: OpId) -> Vec<OpId> {
    let f = ctx
        .block_ops(ctx.module_body(module))
        .find(|&o| ctx.op_is(o, "func.func"))
        .unwrap();
    ctx.block_ops_vec(ctx.entry_block(f, 0).unwrap())
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = new_ctx();
    let loc = ctx.unknown_loc();
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let f32 = ctx.f32_type();
    let index = ctx.index_type();
    let w_ty = ctx.memref_type(&[2], f32);
    let buf_ty = ctx.memref_type(&[4, DYNAMIC], f32);
    let ft = ctx.function_type(&[index], &[f32]);
    let mut b = Builder::new(&mut ctx, InsertPoint::End(body));
    let init = {
        let tensor = b.ctx.tensor_type(&[2], f32);
        let values = [1.0, 2.0].map(tessera_compiler::syntax::dense::DenseScalar::Float);
        let d = tessera_compiler::syntax::dense::make_dense(b.ctx, tensor, &values).unwrap();
        b.ctx
            .intern_attr(tessera_compiler::AttrData::DenseElements(d))
    };
    memref::build_global(&mut b, "w", w_ty, GlobalInit::Value(init), true, loc);
    let fname = b.ctx.str_attr("f");
    let fty = b.ctx.type_attr(ft);
    let func = b.create(
        "func.func",
        &[],
        &[],
        &[("sym_name", fname), ("function_type", fty)],
        loc,
    );
    let region = b.ctx.create_region();
    let entry = b.ctx.create_block(&[index], loc);
    b.ctx.append_block(region, entry);
    b.ctx.add_region(func, region);
    let n = b.ctx.block_args(entry)[0];
    let mut b = Builder::new(&mut ctx, InsertPoint::End(entry));
    let buf = memref::build_alloc(&mut b, buf_ty, &[n], false, loc);
    let w = memref::build_get_global(&mut b, "w", w_ty, loc);
    let x = memref::build_load(&mut b, w, &[n], loc);
    memref::build_store(&mut b, x, buf, &[n, n], loc);
    let view = memref::build_subview(&mut b, buf, &[1, 0], &[2, 2], &[1, 2], loc);
    let dyn_ty = b.ctx.memref_type(&[DYNAMIC], f32);
    let cast = memref::build_cast(&mut b, w, dyn_ty, loc);
    let tmp = memref::build_alloc(&mut b, w_ty, &[], true, loc);
    memref::build_copy(&mut b, w, tmp, loc);
    memref::build_dealloc(&mut b, buf, loc);
    b.create("func.return", &[x], &[], &[], loc);
    verify(&ctx, module).unwrap_or_else(|d| panic!("{}", d[0].message));
    assert_eq!(
        type_str(&ctx, ctx.value_type(view)),
        "memref<2x2xf32, strided<[?, 2], offset: ?>>"
    );
    assert_eq!(type_str(&ctx, ctx.value_type(cast)), "memref<?xf32>");
    let text = print_op(&ctx, module, &PrintOptions::default());
    let expected = r#"module {
  memref.global "private" constant @w : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
  func.func @f(%arg0: index) -> f32 {
    %0 = memref.alloc(%arg0) : memref<4x?xf32>
    %1 = memref.get_global @w : memref<2xf32>
    %2 = memref.load %1[%arg0] : memref<2xf32>
    memref.store %2, %0[%arg0, %arg0] : memref<4x?xf32>
    %3 = memref.subview %0[1, 0] [2, 2] [1, 2] : memref<4x?xf32> to memref<2x2xf32, strided<[?, 2], offset: ?>>
    %4 = memref.cast %1 : memref<2xf32> to memref<?xf32>
    %5 = memref.alloca() : memref<2xf32>
    memref.copy %1, %5 : memref<2xf32> to memref<2xf32>
    memref.dealloc %0 : memref<4x?xf32>
    func.return %2 : f32
  }
}
"#;
    assert_eq!(text, expected);
    let mut ctx2 = new_ctx();
    let m2 = parse(&mut ctx2, &text);
    assert_eq!(print_op(&ctx2, m2, &PrintOptions::default()), expected);
}

#[test]
fn views_read_parsed_ops() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"memref.global "private" @g : memref<3xi32> = uninitialized {alignment = 16 : i64}
memref.global "private" @e : memref<3xi32>
func.func @f(%n: index, %m: memref<4x4xf32>) {
  %a = memref.alloca(%n)[%n] {alignment = 32 : i64} : memref<?xf32, affine_map<(d0)[s0] -> (d0 * 2 + s0)>>
  %v = memref.load %m[%n, %n] : memref<4x4xf32>
  memref.store %v, %m[%n, %n] : memref<4x4xf32>
  %s = memref.subview %m[%n, 1] [2, %n] [1, 1] : memref<4x4xf32> to memref<2x?xf32, strided<[4, 1], offset: ?>>
  return
}"#,
    );
    let globals = ctx.block_ops_vec(ctx.module_body(m));
    let g = Global::view(&ctx, globals[0]).unwrap();
    assert_eq!(
        (g.name, g.init, g.constant, g.alignment),
        ("g", GlobalInit::Uninitialized, false, Some(16))
    );
    assert_eq!(
        Global::view(&ctx, globals[1]).unwrap().init,
        GlobalInit::External
    );
    let ops = body_ops(&ctx, m);
    let args = ctx.block_args(ctx.op(ops[0]).parent.unwrap()).to_vec();
    let a = Alloc::view(&ctx, ops[0]).unwrap();
    assert!(a.on_stack);
    assert_eq!(
        (a.dynamic_sizes, a.symbols, a.alignment),
        (&[args[0]][..], &[args[0]][..], Some(32))
    );
    let l = Load::view(&ctx, ops[1]).unwrap();
    assert_eq!((l.memref, l.indices), (args[1], &[args[0], args[0]][..]));
    let s = Store::view(&ctx, ops[2]).unwrap();
    assert_eq!((s.value, s.memref), (l.result, args[1]));
    let sv = SubView::view(&ctx, ops[3]).unwrap();
    assert_eq!(
        sv.offsets,
        vec![IndexValue::Dynamic(args[0]), IndexValue::Static(1)]
    );
    assert_eq!(
        sv.sizes,
        vec![IndexValue::Static(2), IndexValue::Dynamic(args[0])]
    );
    assert_eq!(sv.strides, vec![IndexValue::Static(1); 2]);
    assert!(Load::view(&ctx, ops[0]).is_none());
    // The layout map of the alloca has constant strides and a symbolic offset.
    assert_eq!(strides_and_offset(&ctx, a.ty), Some((vec![2], DYNAMIC)));
}

#[test]
fn layouts_and_casts() {
    let mut ctx = new_ctx();
    let mut ty = |s: &str| parse_type_str(&mut ctx, s).unwrap();
    let cases = [
        ("memref<2x3x4xf32>", Some((vec![12, 4, 1], 0))),
        ("memref<2x?x4xf32>", Some((vec![DYNAMIC, 4, 1], 0))),
        ("memref<f32>", Some((vec![], 0))),
        (
            "memref<4x4xf32, strided<[8, 1], offset: 2>>",
            Some((vec![8, 1], 2)),
        ),
        (
            "memref<4x4xf32, strided<[?, 1], offset: ?>>",
            Some((vec![DYNAMIC, 1], DYNAMIC)),
        ),
        (
            "memref<4x4xf32, affine_map<(d0, d1) -> (d0, d1)>>",
            Some((vec![4, 1], 0)),
        ),
        (
            "memref<4x4xf32, affine_map<(d0, d1) -> (d1 * 4 + d0 + 3)>>",
            Some((vec![1, 4], 3)),
        ),
        ("memref<4x4xf32, affine_map<(d0, d1) -> (d1, d0)>>", None),
        ("memref<4xf32, affine_map<(d0) -> (d0 floordiv 2)>>", None),
    ];
    let types: Vec<_> = cases.iter().map(|(s, _)| ty(s)).collect();
    for ((s, want), t) in cases.iter().zip(&types) {
        assert_eq!(&strides_and_offset(&ctx, *t), want, "{s}");
    }
    let pairs = [
        ("memref<4xf32>", "memref<?xf32>", true),
        ("memref<4xf32>", "memref<5xf32>", false),
        ("memref<4xf32>", "memref<4xf64>", false),
        ("memref<4xf32>", "memref<4x1xf32>", false),
        ("memref<4x4xf32>", "memref<4x4xf32, strided<[4, 1]>>", true),
        (
            "memref<4x4xf32>",
            "memref<4x4xf32, strided<[?, 1], offset: ?>>",
            true,
        ),
        ("memref<4x4xf32>", "memref<4x4xf32, strided<[4, 2]>>", false),
        ("memref<4xf32>", "memref<4xf32, 1>", false),
    ];
    for (a, b, want) in pairs {
        let ta = parse_type_str(&mut ctx, a).unwrap();
        let tb = parse_type_str(&mut ctx, b).unwrap();
        assert_eq!(cast_compatible(&ctx, ta, tb), want, "{a} to {b}");
    }
    let src = parse_type_str(&mut ctx, "memref<8x8xf32, strided<[16, 1], offset: 4>>").unwrap();
    let sub = memref::subview_type(&mut ctx, src, &[1, 2], &[4, DYNAMIC], &[2, 1]).unwrap();
    assert_eq!(
        type_str(&ctx, sub),
        "memref<4x?xf32, strided<[32, 1], offset: 22>>"
    );
    let sub = memref::subview_type(&mut ctx, src, &[DYNAMIC, 0], &[4, 4], &[1, 1]).unwrap();
    assert_eq!(
        type_str(&ctx, sub),
        "memref<4x4xf32, strided<[16, 1], offset: ?>>"
    );
}
