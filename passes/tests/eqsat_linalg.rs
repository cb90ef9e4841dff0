//! The `linalg` rules end to end: every rule on its witnesses; matrix
//! chains come out in the order dynamic programming picks for the pass's
//! cost model; transposes, constant scalars and shared operands of
//! products are rewritten when that is cheaper, with the results of the
//! interpreter unchanged.
//!
//! The pass only runs a set's `fast_math_rules` where `RuleSet::rules`
//! adds them, so the chain and distributivity tests run the rules on the
//! lifted DAG directly, as the driver does.

mod eqsat_support;
mod eqsat_witness;

use eqsat_witness::{dense, mlir_ty};

use egg::{BackoffScheduler, Runner};
use eqsat_support::{Rng, assert_close, context, parse, print, random_tensor, run};
use rustc_hash::FxHashSet;
use tessera_compiler::verify::verify;
use tessera_compiler::{BlockId, Context, OpId};
use tessera_dialects::graph::ops::Family;
use tessera_dialects::graph::{ElemType, TensorType};
use tessera_dialects::interp::value::Tensor;
use tessera_passes::eqsat::analysis::GraphAnalysis;
use tessera_passes::eqsat::bridge::{Lifted, node_work};
use tessera_passes::eqsat::cost::{Cost, op_work};
use tessera_passes::eqsat::driver::node_cost;
use tessera_passes::eqsat::extract::extract_dag;
use tessera_passes::eqsat::lang::Graph;
use tessera_passes::eqsat::rules::{GraphRewrite, layout, linalg};
use tessera_passes::eqsat::{EqsatConfig, EqsatReport, RuleSet, optimize_function};

#[test]
fn every_linalg_rule_agrees_on_its_witnesses() {
    let names: Vec<String> = linalg::rules()
        .iter()
        .chain(linalg::fast_math_rules().iter())
        .map(|r| r.name.to_string())
        .collect();
    // Random shapes seldom make inner dimensions agree: every rule here
    // needs one.
    let needed: Vec<&str> = names.iter().map(String::as_str).collect();
    eqsat_witness::check_rules(&names, &needed, 6);
}

// ----- helpers -----------------------------------------------------------

/// The entry block of `@main`.
fn main_block(ctx: &Context, module: OpId) -> BlockId {
    let func = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    let region = ctx.op(func).regions[0];
    ctx.region(region).blocks[0]
}

/// Runs the `linalg` rules, fast-math ones included, on `@main`'s DAG
/// as the driver does (saturate without a
/// time limit, extract by DAG cost, write back when cheaper); returns
/// the costs before and after.
fn saturate(ctx: &mut Context, module: OpId) -> (Cost, Cost) {
    let block = main_block(ctx, module);
    let lifted = Lifted::read(ctx, block).expect("a DAG");
    let (plan, before, after) = {
        let mut runner: Runner<Graph, GraphAnalysis<'_>, ()> = Runner::new(GraphAnalysis::new(ctx));
        let built = lifted.build(&mut runner.egraph).expect("the DAG lifts");
        let runner = runner
            .with_node_limit(20_000)
            .with_iter_limit(30)
            .with_scheduler(BackoffScheduler::default())
            .run(&linalg_with_fast_math());
        let eg = &runner.egraph;
        let none = FxHashSet::default();
        let ext = extract_dag(
            eg,
            &built.roots,
            |id, n| node_cost(eg, id, n, &none),
            |_, _| false,
        )
        .expect("an extraction");
        let before = Cost::work(built.work.iter().sum());
        let plan = (ext.cost < before).then(|| lifted.plan(eg, &built, &ext).expect("a plan"));
        (plan, before, ext.cost)
    };
    if let Some(plan) = plan {
        lifted.write_back(ctx, &plan).expect("the plan is written");
    }
    verify(ctx, module).unwrap_or_else(|d| {
        panic!(
            "the output does not verify:\n{}",
            tessera_compiler::diag::render(ctx, &d)
        )
    });
    (before, after.min(before))
}

/// Every linalg rule, fast-math ones included.
fn linalg_with_fast_math<'c>() -> Vec<GraphRewrite<'c>> {
    let mut rules = linalg::rules();
    rules.extend(linalg::fast_math_rules());
    rules
}

/// Runs the pass with the safe `linalg` rules (and `extra` sets).
fn eqsat(ctx: &mut Context, module: OpId, extra: &[RuleSet]) -> EqsatReport {
    let mut rule_sets = vec![RuleSet::Linalg];
    rule_sets.extend_from_slice(extra);
    let config = EqsatConfig {
        time_limit: None,
        rule_sets,
        ..EqsatConfig::default()
    };
    let func = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    let report = optimize_function(ctx, func, &config);
    verify(ctx, module).expect("the output verifies");
    report
}

/// Random arguments of these types.
fn args(seed: u64, types: &[(&[usize], ElemType)]) -> Vec<Tensor> {
    let mut rng = Rng::new(seed);
    types
        .iter()
        .map(|(s, e)| random_tensor(&mut rng, *e, s))
        .collect()
}

fn count(text: &str, op: &str) -> usize {
    text.matches(&format!("{op} ")).count()
}

fn ty(shape: &[i64], elem: ElemType) -> TensorType {
    TensorType::new(shape.to_vec(), elem)
}

// ----- matrix chains ------------------------------------------------------

/// The least cost of multiplying matrices of dims `d[i] x d[i+1]`, by
/// the textbook dynamic program over split points, with the pass's cost
/// of one product.
fn chain_dp(d: &[i64], elem: ElemType) -> u64 {
    let n = d.len() - 1;
    let mut best = vec![vec![0u64; n]; n];
    for len in 2..=n {
        for i in 0..=n - len {
            let j = i + len - 1;
            best[i][j] = (i..j)
                .map(|k| {
                    let (a, b, c) = (
                        ty(&[d[i], d[k + 1]], elem),
                        ty(&[d[k + 1], d[j + 1]], elem),
                        ty(&[d[i], d[j + 1]], elem),
                    );
                    best[i][k] + best[k + 1][j] + op_work(Family::MatMul, &[&a, &b], &c, &[])
                })
                .min()
                .expect("a split");
        }
    }
    best[0][n - 1]
}

/// `@main` multiplying matrices of dims `d[i] x d[i+1]` left to right:
/// `((A0 A1) A2) ...`.
fn chain_program(d: &[i64], elem: ElemType) -> String {
    let n = d.len() - 1;
    let args: Vec<String> = (0..n)
        .map(|i| format!("%a{i}: {}", mlir_ty(&[d[i], d[i + 1]], elem)))
        .collect();
    let mut body = String::new();
    let mut acc = "%a0".to_string();
    for i in 1..n {
        let (lhs, rhs, out) = (
            mlir_ty(&[d[0], d[i]], elem),
            mlir_ty(&[d[i], d[i + 1]], elem),
            mlir_ty(&[d[0], d[i + 1]], elem),
        );
        body.push_str(&format!(
            "  %m{i} = graph.matmul {acc}, %a{i} : ({lhs}, {rhs}) -> {out}\n"
        ));
        acc = format!("%m{i}");
    }
    format!(
        "func.func @main({}) -> {} {{\n{body}  func.return {acc} : {}\n}}\n",
        args.join(", "),
        mlir_ty(&[d[0], d[n]], elem),
        mlir_ty(&[d[0], d[n]], elem)
    )
}

/// The total cost of the matmuls of `@main` as printed, read back from
/// their types.
fn printed_matmul_cost(text: &str, elem: ElemType) -> u64 {
    text.lines()
        .filter(|l| l.contains("graph.matmul"))
        .map(|l| {
            let sig = l.rsplit(" : ").next().expect("a signature");
            let shapes: Vec<Vec<i64>> = sig
                .split("tensor<")
                .skip(1)
                .map(|t| {
                    let dims = t.split('>').next().expect("a type");
                    let mut parts: Vec<&str> = dims.split('x').collect();
                    parts.pop();
                    parts.iter().map(|p| p.parse().expect("a dim")).collect()
                })
                .collect();
            let [a, b, c] = &shapes[..] else {
                panic!("unexpected matmul line {l}")
            };
            op_work(
                Family::MatMul,
                &[&ty(a, elem), &ty(b, elem)],
                &ty(c, elem),
                &[],
            )
        })
        .sum()
}

#[test]
fn matrix_chains_come_out_in_the_optimal_order() {
    let chains: &[&[i64]] = &[
        &[10, 100, 5, 50, 1],
        &[30, 35, 15, 5, 10, 20, 25],
        &[5, 10, 3, 12, 5, 50, 6],
        &[40, 20, 30, 10, 30],
        &[1, 64, 64, 64, 64, 64],
        &[2, 3, 4],
    ];
    let elem = ElemType::F64;
    for (k, d) in chains.iter().enumerate() {
        let text = chain_program(d, elem);
        let mut ctx = context();
        let module = parse(&mut ctx, &text);
        let shapes: Vec<Vec<usize>> = (0..d.len() - 1)
            .map(|i| vec![d[i] as usize, d[i + 1] as usize])
            .collect();
        let types: Vec<(&[usize], ElemType)> = shapes.iter().map(|s| (&s[..], elem)).collect();
        let inputs = args(k as u64, &types);
        let want = run(&ctx, module, "main", inputs.clone());
        let (before, after) = saturate(&mut ctx, module);
        let out = print(&ctx, module, false);
        let optimal = chain_dp(d, elem);
        assert_eq!(after.work, optimal, "chain {d:?}: extracted cost\n{out}");
        assert_eq!(
            printed_matmul_cost(&out, elem),
            optimal,
            "chain {d:?}\n{out}"
        );
        assert!(after <= before);
        assert_eq!(count(&out, "graph.matmul"), d.len() - 2, "{out}");
        let got = run(&ctx, module, "main", inputs);
        assert_close(&got, &want, 1e-9, 1e-9, &format!("chain {d:?}"));
    }
}

#[test]
fn the_dp_of_a_known_chain() {
    // Left to right, 10x100x5 then 10x5x50 then 10x50x1, is cheapest by
    // FLOPs (5000 + 2500 + 500 multiply-adds); the DP must find no worse.
    let d = [10, 100, 5, 50, 1];
    let elem = ElemType::F32;
    let left = [(10, 100, 5), (10, 5, 50), (10, 50, 1)]
        .iter()
        .map(|&(m, k, n)| {
            op_work(
                Family::MatMul,
                &[&ty(&[m, k], elem), &ty(&[k, n], elem)],
                &ty(&[m, n], elem),
                &[],
            )
        })
        .sum::<u64>();
    let dp = chain_dp(&d, elem);
    assert!(dp <= left);
    // A(B(C D)) multiplies 5x50x1, 100x5x1, 10x100x1: 250 + 500 + 1000.
    let right = [(5, 50, 1), (100, 5, 1), (10, 100, 1)]
        .iter()
        .map(|&(m, k, n)| {
            op_work(
                Family::MatMul,
                &[&ty(&[m, k], elem), &ty(&[k, n], elem)],
                &ty(&[m, n], elem),
                &[],
            )
        })
        .sum::<u64>();
    assert_eq!(dp, left.min(right).min(dp));
}

#[test]
fn a_shared_left_factor_is_factored_out() {
    let text = r#"func.func @main(%a: tensor<8x16xf64>, %b: tensor<16x32xf64>, %c: tensor<16x32xf64>) -> tensor<8x32xf64> {
  %0 = graph.matmul %a, %b : (tensor<8x16xf64>, tensor<16x32xf64>) -> tensor<8x32xf64>
  %1 = graph.matmul %a, %c : (tensor<8x16xf64>, tensor<16x32xf64>) -> tensor<8x32xf64>
  %2 = graph.add %0, %1 : (tensor<8x32xf64>, tensor<8x32xf64>) -> tensor<8x32xf64>
  func.return %2 : tensor<8x32xf64>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let inputs = args(
        3,
        &[
            (&[8, 16], ElemType::F64),
            (&[16, 32], ElemType::F64),
            (&[16, 32], ElemType::F64),
        ],
    );
    let want = run(&ctx, module, "main", inputs.clone());
    let (before, after) = saturate(&mut ctx, module);
    let out = print(&ctx, module, false);
    assert!(after < before, "{out}");
    assert_eq!(count(&out, "graph.matmul"), 1, "{out}");
    assert!(out.contains("graph.add %arg1, %arg2"), "{out}");
    assert_close(
        &run(&ctx, module, "main", inputs),
        &want,
        1e-9,
        1e-9,
        "@main",
    );
}

#[test]
fn without_fast_math_a_chain_keeps_its_order() {
    let d = [10, 100, 5, 50, 1];
    let text = chain_program(&d, ElemType::F32);
    let mut ctx = context();
    let module = parse(&mut ctx, &text);
    let before = print(&ctx, module, false);
    let report = eqsat(&mut ctx, module, &[]);
    assert_eq!(print(&ctx, module, false), before);
    assert_eq!(report.rewritten, 0);
}

// ----- through the pass ---------------------------------------------------

/// Checks `@main`'s results before and after the pass (`linalg` and
/// `extra`); returns the output and the report.
fn rewrite(
    text: &str,
    types: &[(&[usize], ElemType)],
    extra: &[RuleSet],
    rtol: f64,
) -> (String, EqsatReport) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let inputs = args(11, types);
    let want = run(&ctx, module, "main", inputs.clone());
    let report = eqsat(&mut ctx, module, extra);
    let got = run(&ctx, module, "main", inputs);
    assert_close(&got, &want, rtol, 1e-6, "@main");
    (print(&ctx, module, false), report)
}

#[test]
fn a_product_of_transposes_is_the_transpose_of_the_product() {
    let text = r#"func.func @main(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<5x3xf32> {
  %bt = graph.transpose %b {perm = array<i64: 1, 0>} : (tensor<4x5xf32>) -> tensor<5x4xf32>
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %p = graph.matmul %bt, %at : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  func.return %p : tensor<5x3xf32>
}
"#;
    let (out, report) = rewrite(
        text,
        &[(&[3, 4], ElemType::F32), (&[4, 5], ElemType::F32)],
        &[],
        1e-5,
    );
    assert!(report.cost_after.work < report.cost_before.work, "{out}");
    assert_eq!(count(&out, "graph.transpose"), 1, "{out}");
    assert!(out.contains("graph.matmul %arg0, %arg1"), "{out}");
}

#[test]
fn batched_transposes_use_each_operands_rank() {
    // b is batched, a is not: transpose(b) transpose(a) = transpose(a b)
    // with the batch axis kept in front.
    let text = r#"func.func @main(%a: tensor<3x4xf64>, %b: tensor<2x4x5xf64>) -> tensor<2x5x3xf64> {
  %bt = graph.transpose %b {perm = array<i64: 0, 2, 1>} : (tensor<2x4x5xf64>) -> tensor<2x5x4xf64>
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<3x4xf64>) -> tensor<4x3xf64>
  %p = graph.matmul %bt, %at : (tensor<2x5x4xf64>, tensor<4x3xf64>) -> tensor<2x5x3xf64>
  func.return %p : tensor<2x5x3xf64>
}
"#;
    let (out, _) = rewrite(
        text,
        &[(&[3, 4], ElemType::F64), (&[2, 4, 5], ElemType::F64)],
        &[],
        1e-9,
    );
    assert_eq!(count(&out, "graph.transpose"), 1, "{out}");
    assert!(out.contains("perm = array<i64: 0, 2, 1>"), "{out}");
}

#[test]
fn a_transposed_product_with_layout_rules_drops_the_transposes() {
    // transpose(transpose(a) b) = transpose(b) a: with the layout rules
    // the inner transposes cancel.
    let text = r#"func.func @main(%a: tensor<6x3xf32>, %b: tensor<6x2xf32>) -> tensor<2x3xf32> {
  %at = graph.transpose %a {perm = array<i64: 1, 0>} : (tensor<6x3xf32>) -> tensor<3x6xf32>
  %p = graph.matmul %at, %b : (tensor<3x6xf32>, tensor<6x2xf32>) -> tensor<3x2xf32>
  %t = graph.transpose %p {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  func.return %t : tensor<2x3xf32>
}
"#;
    let (out, _) = rewrite(
        text,
        &[(&[6, 3], ElemType::F32), (&[6, 2], ElemType::F32)],
        &[RuleSet::Layout],
        1e-5,
    );
    assert_eq!(count(&out, "graph.transpose"), 1, "{out}");
    assert!(out.contains("graph.matmul %0, %arg0"), "{out}");
}

#[test]
fn a_constant_scale_moves_to_the_smaller_side_of_a_product() {
    // Scaling the 64x2 product costs less than scaling the 64x64 factor.
    let text = r#"func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x2xf32>) -> tensor<64x2xf32> {
  %s = graph.constant {value = dense<0.125> : tensor<64x64xf32>} : () -> tensor<64x64xf32>
  %sa = graph.mul %s, %a : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %p = graph.matmul %sa, %b : (tensor<64x64xf32>, tensor<64x2xf32>) -> tensor<64x2xf32>
  func.return %p : tensor<64x2xf32>
}
"#;
    let (out, report) = rewrite(
        text,
        &[(&[64, 64], ElemType::F32), (&[64, 2], ElemType::F32)],
        &[],
        1e-4,
    );
    assert!(report.cost_after.work < report.cost_before.work, "{out}");
    assert!(out.contains("graph.matmul %arg0, %arg1"), "{out}");
    assert!(out.contains("dense<1.250000e-01> : tensor<f32>"), "{out}");
}

#[test]
fn an_infinite_scale_stays_where_it_is() {
    let text = r#"func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x2xf32>) -> tensor<64x2xf32> {
  %s = graph.constant {value = dense<0x7F800000> : tensor<f32>} : () -> tensor<f32>
  %sa = graph.mul %s, %a : (tensor<f32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %p = graph.matmul %sa, %b : (tensor<64x64xf32>, tensor<64x2xf32>) -> tensor<64x2xf32>
  func.return %p : tensor<64x2xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let before = print(&ctx, module, false);
    eqsat(&mut ctx, module, &[]);
    assert_eq!(print(&ctx, module, false), before);
}

/// `@main` with `n` products of a shared `[m, k]` input by constant
/// `[k, cols]` weights, returning each.
fn shared_input_program(n: usize, m: i64, k: i64, cols: i64) -> String {
    let mut rng = Rng::new(5);
    let e = ElemType::F32;
    let mut body = String::new();
    let mut results = Vec::new();
    for i in 0..n {
        body.push_str(&format!(
            "  %w{i} = {}\n",
            dense(&mut rng, &[k, cols], e, -1.0, 1.0)
        ));
        body.push_str(&format!(
            "  %p{i} = graph.matmul %x, %w{i} : ({}, {}) -> {}\n",
            mlir_ty(&[m, k], e),
            mlir_ty(&[k, cols], e),
            mlir_ty(&[m, cols], e)
        ));
        results.push(format!("%p{i}"));
    }
    let out_ty = mlir_ty(&[m, cols], e);
    let types = vec![out_ty.clone(); n].join(", ");
    format!(
        "func.func @main(%x: {}) -> ({types}) {{\n{body}  func.return {} : {types}\n}}\n",
        mlir_ty(&[m, k], e),
        results.join(", ")
    )
}

/// Saturates `@main`'s DAG with the safe `linalg` and the `layout` rules
/// (which compose slices of slices); returns, per
/// root, the type of the widest product a slice in its class takes, and
/// the DAG cost of computing every root that way.
fn merged_forms(text: &str) -> (Vec<Option<TensorType>>, Cost, u64) {
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let block = main_block(&ctx, module);
    let lifted = Lifted::read(&ctx, block).expect("a DAG");
    let mut runner: Runner<Graph, GraphAnalysis<'_>, ()> =
        Runner::new(GraphAnalysis::new(&mut ctx));
    let built = lifted.build(&mut runner.egraph).expect("the DAG lifts");
    let mut rules = linalg::rules();
    rules.extend(layout::rules());
    let runner = runner.with_iter_limit(30).run(&rules);
    let eg = &runner.egraph;
    let mut wide_products = FxHashSet::default();
    let mut slices = 0;
    let mut forms = Vec::new();
    for &r in &built.roots {
        // (columns, product class, slice node) of the widest slice.
        let mut widest: Option<(i64, egg::Id, &Graph)> = None;
        for n in &eg[r].nodes {
            let Graph::Slice([m, ..]) = n else { continue };
            let m = eg.find(*m);
            let product = eg[m]
                .nodes
                .iter()
                .any(|p| matches!(p, Graph::MatMul([_, w]) if eg[*w].data.constant.is_some()));
            let cols = *eg[m]
                .data
                .ty
                .as_ref()
                .expect("a type")
                .shape
                .last()
                .expect("a dim");
            if product && widest.is_none_or(|(c, _, _)| cols > c) {
                widest = Some((cols, m, n));
            }
        }
        forms.push(widest.and_then(|(_, m, n)| {
            wide_products.insert(m);
            slices += node_work(eg, n, eg[r].data.ty.as_ref()?)?;
            eg[m].data.ty.clone()
        }));
    }
    let products: u64 = wide_products
        .iter()
        .map(|&m| {
            let node = eg[m]
                .nodes
                .iter()
                .find(|n| matches!(n, Graph::MatMul(_)))
                .expect("a product");
            node_work(eg, node, eg[m].data.ty.as_ref().expect("a type")).expect("a cost")
        })
        .sum();
    (
        forms,
        Cost::work(built.work.iter().sum()),
        products + slices,
    )
}

#[test]
fn products_sharing_an_input_merge_into_one() {
    // Reading the 2x256 input once and slicing the small results beats
    // reading it twice.
    let text = shared_input_program(2, 2, 256, 2);
    let (forms, before, merged) = merged_forms(&text);
    let wide = TensorType::new(vec![2, 4], ElemType::F32);
    assert_eq!(forms, vec![Some(wide.clone()), Some(wide)]);
    assert!(merged < before.work, "{merged} vs {before}");
    // The results are unchanged whatever the pass extracts.
    rewrite(&text, &[(&[2, 256], ElemType::F32)], &[], 1e-5);
}

#[test]
fn three_projections_of_one_input_merge_into_one_product() {
    // The query, key and value projections of attention.
    let text = shared_input_program(3, 2, 128, 4);
    let (forms, before, merged) = merged_forms(&text);
    let wide = Some(TensorType::new(vec![2, 12], ElemType::F32));
    assert!(forms.iter().all(|f| *f == wide), "{forms:?}");
    assert!(merged < before.work, "{merged} vs {before}");
    rewrite(&text, &[(&[2, 128], ElemType::F32)], &[], 1e-5);
}

#[test]
fn products_of_computed_operands_are_not_merged() {
    // The merge is for weights: `x·relu(w)` and `x·v` stay apart.
    let text = r#"func.func @main(%x: tensor<2x8xf32>, %w: tensor<8x3xf32>, %v: tensor<8x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %r = graph.relu %w : (tensor<8x3xf32>) -> tensor<8x3xf32>
  %0 = graph.matmul %x, %r : (tensor<2x8xf32>, tensor<8x3xf32>) -> tensor<2x3xf32>
  %1 = graph.matmul %x, %v : (tensor<2x8xf32>, tensor<8x3xf32>) -> tensor<2x3xf32>
  func.return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}
"#;
    let (forms, _, _) = merged_forms(text);
    assert_eq!(forms, vec![None, None]);
}
