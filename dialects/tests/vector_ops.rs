//! The vector dialect from Rust: builders make IR that verifies and prints
//! in MLIR's syntax, views read parsed ops, and the custom forms leave out
//! exactly the default attribute values.

use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::verify::verify;
use tessera_compiler::{Context, OpId};
use tessera_dialects::arith::FastMathFlags;
use tessera_dialects::memref::IndexValue;
use tessera_dialects::vector::{
    self, Access, CombiningKind, Element, MaskedAccess, Position, Print, Punctuation, Reduction,
    Transfer, views,
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

fn print(ctx: &Context, op: OpId) -> String {
    print_op(ctx, op, &PrintOptions::default())
}

#[test]
fn builders_make_valid_ir() {
    let mut ctx = new_ctx();
    let loc = ctx.unknown_loc();
    let module = ctx.create_module(loc);
    let body = ctx.module_body(module);
    let f32 = ctx.f32_type();
    let index = ctx.index_type();
    let m_ty = ctx.memref_type(&[16, 16], f32);
    let v8 = ctx.vector_type(&[8], f32);
    let v48 = ctx.vector_type(&[4, 8], f32);
    let i1 = ctx.i1_type();
    let mask_ty = ctx.vector_type(&[4, 8], i1);
    let ft = ctx.function_type(&[m_ty, index, f32], &[f32]);
    let mut b = Builder::new(&mut ctx, InsertPoint::End(body));
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
    let entry = b.ctx.create_block(&[m_ty, index, f32], loc);
    b.ctx.append_block(region, entry);
    b.ctx.add_region(func, region);
    let args = b.ctx.block_args(entry).to_vec();
    let (m, i, s) = (args[0], args[1], args[2]);
    let mut b = Builder::new(&mut ctx, InsertPoint::End(entry));
    let v = views::build_load(&mut b, v8, m, &[i, i], loc);
    let w = views::build_broadcast(&mut b, v, v48, loc);
    let u = views::build_splat(&mut b, s, v48, loc);
    let x = views::build_fma(&mut b, w, u, w, loc);
    let row = views::build_extract(&mut b, x, &[1], loc);
    let x2 = views::build_insert(&mut b, row, x, &[3], loc);
    let flat_ty = b.ctx.vector_type(&[32], f32);
    let flat = views::build_shape_cast(&mut b, x2, flat_ty, loc);
    let sum = views::build_reduction(&mut b, CombiningKind::Add, flat, Some(s), loc);
    let r = views::build_transfer_read(&mut b, v48, m, &[i, i], s, &[true, false], loc);
    views::build_transfer_write(&mut b, r, m, &[i, i], &[false, false], loc);
    views::build_store(&mut b, row, m, &[i, i], loc);
    views::build_constant_mask(&mut b, mask_ty, &[2, 3], loc);
    views::build_create_mask(&mut b, mask_ty, &[i, i], loc);
    b.create("func.return", &[sum], &[], &[], loc);
    verify(&ctx, module).unwrap_or_else(|d| panic!("{}", d[0].message));
    let text = print(&ctx, module);
    for line in [
        "%0 = vector.load %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>",
        "%1 = vector.broadcast %0 : vector<8xf32> to vector<4x8xf32>",
        "%2 = vector.splat %arg2 : vector<4x8xf32>",
        "%3 = vector.fma %1, %2, %1 : vector<4x8xf32>",
        "%4 = vector.extract %3[1] : vector<8xf32> from vector<4x8xf32>",
        "%5 = vector.insert %4, %3 [3] : vector<8xf32> into vector<4x8xf32>",
        "%6 = vector.shape_cast %5 : vector<4x8xf32> to vector<32xf32>",
        "%7 = vector.reduction <add>, %6, %arg2 : vector<32xf32> into f32",
        "%8 = vector.transfer_read %arg0[%arg1, %arg1], %arg2 {in_bounds = [true, false]} : memref<16x16xf32>, vector<4x8xf32>",
        "vector.transfer_write %8, %arg0[%arg1, %arg1] : vector<4x8xf32>, memref<16x16xf32>",
        "vector.store %4, %arg0[%arg1, %arg1] : memref<16x16xf32>, vector<8xf32>",
        "%9 = vector.constant_mask [2, 3] : vector<4x8xi1>",
        "%10 = vector.create_mask %arg1, %arg1 : vector<4x8xi1>",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    // What the builders print parses back to the same text.
    let mut ctx2 = new_ctx();
    let again = parse(&mut ctx2, &text);
    assert_eq!(print(&ctx2, again), text);
}

#[test]
fn views_read_parsed_ops() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"func.func @f(%m: memref<16x16xf32>, %i: index, %v: vector<8xf32>, %w: vector<4x8xf32>, %s: f32, %mask: vector<8xi1>, %c: i32) {
  %0 = vector.load %m[%i, %i] : memref<16x16xf32>, vector<8xf32>
  vector.store %0, %m[%i, %i] : memref<16x16xf32>, vector<8xf32>
  %1 = vector.maskedload %m[%i, %i], %mask, %v : memref<16x16xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %2 = vector.reduction <maxnumf>, %v, %s fastmath<nnan> : vector<8xf32> into f32
  %3 = vector.extract %w[%i, 7] : f32 from vector<4x8xf32>
  %4 = vector.insert %s, %w [3, 1] : f32 into vector<4x8xf32>
  %5 = vector.insertelement %s, %v[%c : i32] : vector<8xf32>
  %6 = vector.transfer_read %m[%i, %i], %s, %mask {permutation_map = affine_map<(d0, d1) -> (d0)>} : memref<16x16xf32>, vector<8xf32>
  %7 = vector.constant_mask [2, 3] : vector<4x8xi1>
  vector.print %s : f32 punctuation <comma>
  vector.print str "x"
  return
}"#,
    );
    let ops = body_ops(&ctx, m);
    let args = ctx.block_args(ctx.op(ops[0]).parent.unwrap()).to_vec();

    let load = Access::view(&ctx, ops[0]).unwrap();
    assert!(!load.is_store);
    assert_eq!(
        (load.base, load.indices),
        (args[0], &[args[1], args[1]][..])
    );
    let store = Access::view(&ctx, ops[1]).unwrap();
    assert!(store.is_store);
    assert_eq!(store.vector, ctx.op(ops[0]).results[0]);

    let ml = MaskedAccess::view(&ctx, ops[2]).unwrap();
    assert_eq!((ml.mask, ml.value), (args[5], args[2]));
    assert!(ml.result.is_some());

    let red = Reduction::view(&ctx, ops[3]).unwrap();
    assert_eq!(red.kind, CombiningKind::MaxNumF);
    assert_eq!(red.acc, Some(args[4]));
    assert_eq!(red.fastmath, FastMathFlags::parse("nnan").unwrap());

    let ex = Position::view(&ctx, ops[4]).unwrap();
    assert_eq!(ex.source, None);
    assert_eq!(
        ex.position,
        vec![IndexValue::Dynamic(args[1]), IndexValue::Static(7)]
    );
    let ins = Position::view(&ctx, ops[5]).unwrap();
    assert_eq!(ins.source, Some(args[4]));
    assert_eq!(
        ins.position,
        vec![IndexValue::Static(3), IndexValue::Static(1)]
    );

    let el = Element::view(&ctx, ops[6]).unwrap();
    assert_eq!(
        (el.source, el.vector, el.position),
        (Some(args[4]), args[2], Some(args[6]))
    );

    let tr = Transfer::view(&ctx, ops[7]).unwrap();
    assert_eq!(tr.padding, Some(args[4]));
    assert_eq!(tr.mask, Some(args[5]));
    assert_eq!(tr.in_bounds, vec![false]);
    assert_eq!(tr.map.to_string(), "(d0, d1) -> (d0)");
    assert_eq!(tr.vector, None);

    assert_eq!(vector::constant_mask_sizes(&ctx, ops[8]), Some(vec![2, 3]));
    let p = Print::view(&ctx, ops[9]).unwrap();
    assert_eq!(
        (p.source, p.punctuation, p.string),
        (Some(args[4]), Punctuation::Comma, None)
    );
    let p = Print::view(&ctx, ops[10]).unwrap();
    assert_eq!(
        (p.source, p.punctuation, p.string),
        (None, Punctuation::NewLine, Some("x"))
    );
}

#[test]
fn custom_forms_fill_in_and_leave_out_defaults() {
    let mut ctx = new_ctx();
    let m = parse(
        &mut ctx,
        r#"func.func @f(%m: memref<2x16x16xf32>, %i: index, %p: f32, %mask: vector<8x4xi1>) {
  %0 = vector.transfer_read %m[%i, %i, %i], %p : memref<2x16x16xf32>, vector<4x8xf32>
  %1 = vector.transfer_read %m[%i, %i, %i], %p, %mask {permutation_map = affine_map<(d0, d1, d2) -> (d2, d1)>} : memref<2x16x16xf32>, vector<4x8xf32>
  %2 = vector.shape_cast %0 : vector<4x8xf32> to vector<32xf32>
  %3 = vector.reduction <add>, %2 fastmath<none> : vector<32xf32> into f32
  return
}"#,
    );
    let ops = body_ops(&ctx, m);
    // The default map is the minor identity over the innermost dimensions,
    // and `in_bounds` is all false: both are stored, as MLIR stores them.
    let t = Transfer::view(&ctx, ops[0]).unwrap();
    assert_eq!(t.map.to_string(), "(d0, d1, d2) -> (d1, d2)");
    assert_eq!(t.in_bounds, vec![false, false]);
    // The mask follows the source dimensions: d1 (size 8 of the vector's
    // second dimension) before d2.
    let t = Transfer::view(&ctx, ops[1]).unwrap();
    assert_eq!(
        vector::transfer_mask_shape(&[4, 8], t.map),
        Some(vec![8, 4])
    );
    let generic = print_op(
        &ctx,
        m,
        &PrintOptions {
            generic: true,
            ..PrintOptions::default()
        },
    );
    assert!(generic.contains(
        "{in_bounds = [false, false], operandSegmentSizes = array<i32: 1, 3, 1, 0>, permutation_map = affine_map<(d0, d1, d2) -> (d1, d2)>}"
    ));
    // `fastmath<none>` is the default: not stored, not printed.
    assert!(generic.contains("\"vector.reduction\"(%2) {kind = #vector.kind<add>}"));
    let custom = print(&ctx, m);
    assert!(custom.contains(
        "%0 = vector.transfer_read %arg0[%arg1, %arg1, %arg1], %arg2 : memref<2x16x16xf32>, vector<4x8xf32>"
    ));
}

#[test]
fn malformed_ops_print_generically() {
    // An extract whose result type disagrees with its position still
    // prints (generically), so the verifier's error can show it.
    let mut ctx = new_ctx();
    let config = ParseConfig {
        file_name: "t.mlir".into(),
        line_offset: 0,
    };
    let m = parse_module(
        &mut ctx,
        r#"func.func @f(%w: vector<4x8xf32>) {
  %0 = "vector.transfer_read"(%w) : (vector<4x8xf32>) -> vector<8xf32>
  return
}"#,
        &config,
    )
    .unwrap();
    assert!(verify(&ctx, m).is_err());
    assert!(
        print(&ctx, m)
            .contains("\"vector.transfer_read\"(%arg0) : (vector<4x8xf32>) -> vector<8xf32>")
    );
}

#[test]
fn ops_that_fail_to_verify_still_print_and_read_back() {
    // Every chunk of the invalid-IR lit file that parses: what it prints
    // (custom form where the op fits it, generic otherwise) reads back to
    // the same text, so verifier errors can always show the op.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/lit/Dialect/vector/invalid.mlir"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut parsed = 0;
    for chunk in text.split("// -----") {
        let mut ctx = new_ctx();
        let config = ParseConfig {
            file_name: "t.mlir".into(),
            line_offset: 0,
        };
        let Ok(m) = parse_module(&mut ctx, chunk, &config) else {
            continue;
        };
        parsed += 1;
        assert!(verify(&ctx, m).is_err(), "{chunk}");
        let first = print(&ctx, m);
        let mut ctx2 = new_ctx();
        let m2 = parse_module(&mut ctx2, &first, &config)
            .unwrap_or_else(|d| panic!("{}\n{first}", d[0].message));
        assert_eq!(print(&ctx2, m2), first);
    }
    assert!(parsed > 80, "only {parsed} chunks parsed");
}
