//! Extraction by DAG cost, seen from the IR: a subterm the input shares is
//! never duplicated, the pass never returns a costlier program, and its
//! statistics report the costs.

mod eqsat_support;

use eqsat_support::{context, parse, print, run_pipeline};
use tessera_compiler::{Context, OpId};
use tessera_passes::eqsat::{EqsatConfig, EqsatReport, RuleSet, optimize_function};

fn eqsat(ctx: &mut Context, module: OpId, config: &EqsatConfig) -> EqsatReport {
    let f = ctx
        .block_ops_vec(ctx.module_body(module))
        .into_iter()
        .find(|&f| ctx.op_is(f, "func.func"))
        .expect("a function");
    optimize_function(ctx, f, config)
}

fn algebra() -> EqsatConfig {
    EqsatConfig {
        time_limit: None,
        rule_sets: vec![RuleSet::Algebra],
        ..EqsatConfig::default()
    }
}

const DIV_SQRT: &str = r#"func.func @main(%x: tensor<64xf32>, %y: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %s = graph.sqrt %y : (tensor<64xf32>) -> tensor<64xf32>
  %d = graph.div %x, %s : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  func.return %d, %s : tensor<64xf32>, tensor<64xf32>
}
"#;

/// `x / sqrt(y) -> x * rsqrt(y)` pays when `sqrt(y)` is not needed
/// otherwise (a tree extractor picks it either way). Here the input also
/// returns `sqrt(y)`: the rewrite would compute `rsqrt(y)` on top of it.
#[test]
fn a_shared_subterm_is_not_duplicated() {
    let mut ctx = context();
    let module = parse(&mut ctx, DIV_SQRT);
    let before = print(&ctx, module, false);
    let r = eqsat(&mut ctx, module, &algebra());
    assert!(
        r.applied.iter().any(|(n, _)| n == "div-sqrt"),
        "the rule fires: {:?}",
        r.applied
    );
    assert_eq!(print(&ctx, module, false), before);
    assert_eq!(r.rewritten, 0);

    // Without the sharing, the rewrite is kept.
    let unshared = DIV_SQRT
        .replace("(tensor<64xf32>, tensor<64xf32>) {", "tensor<64xf32> {")
        .replace(
            "func.return %d, %s : tensor<64xf32>, tensor<64xf32>",
            "func.return %d : tensor<64xf32>",
        );
    let mut ctx = context();
    let module = parse(&mut ctx, &unshared);
    let r = eqsat(&mut ctx, module, &algebra());
    let out = print(&ctx, module, false);
    assert!(
        out.contains("graph.rsqrt") && !out.contains("graph.sqrt"),
        "{out}"
    );
    assert!(r.cost_after < r.cost_before);
}

/// Commuting or re-associating never pays by itself: such a program
/// comes back exactly as it was, operand order included.
#[test]
fn an_equally_cheap_program_is_not_churned() {
    let text = r#"func.func @main(%a: tensor<8xf32>, %b: tensor<8xf32>, %c: tensor<8xf32>) -> tensor<8xf32> {
  %0 = graph.add %b, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = graph.add %0, %c : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %2 = graph.mul %c, %1 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  func.return %2 : tensor<8xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let before = print(&ctx, module, true);
    let r = eqsat(&mut ctx, module, &algebra());
    assert!(
        r.applied.iter().any(|(n, _)| n == "add-assoc"),
        "{:?}",
        r.applied
    );
    assert_eq!(print(&ctx, module, true), before);
    assert_eq!(r.cost_before, r.cost_after);
}

/// With only `relu -> max(x, 0)` to apply (a costlier form), the input
/// is kept; with limits that stop the run early, too.
#[test]
fn the_output_is_never_costlier() {
    let text = r#"func.func @main(%x: tensor<16xf32>) -> tensor<16xf32> {
  %0 = graph.relu %x : (tensor<16xf32>) -> tensor<16xf32>
  %1 = graph.exp %0 : (tensor<16xf32>) -> tensor<16xf32>
  %2 = graph.relu %1 : (tensor<16xf32>) -> tensor<16xf32>
  func.return %2 : tensor<16xf32>
}
"#;
    for node_limit in [1, 10, 100, 20_000] {
        let mut ctx = context();
        let module = parse(&mut ctx, text);
        let before = print(&ctx, module, false);
        let config = EqsatConfig {
            node_limit,
            ..algebra()
        };
        let r = eqsat(&mut ctx, module, &config);
        assert!(r.applied.iter().any(|(n, _)| n == "relu-max") || node_limit < 20);
        assert_eq!(
            print(&ctx, module, false),
            before,
            "node-limit={node_limit}"
        );
        assert_eq!(r.cost_after, r.cost_before);
    }
}

#[test]
fn statistics_report_costs_limits_and_rules() {
    let text = r#"func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = graph.constant {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %0 = graph.mul %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = graph.add %one, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = graph.log %1 : (tensor<4xf32>) -> tensor<4xf32>
  func.return %2 : tensor<4xf32>
}
"#;
    let mut ctx = context();
    let module = parse(&mut ctx, text);
    let stats = run_pipeline(
        &mut ctx,
        module,
        "builtin.module(graph-eqsat{time-limit-ms=0 iter-limit=5})",
    );
    let out = print(&ctx, module, false);
    assert!(out.contains("graph.log1p %arg0"), "{out}");
    let count = |name: &str| -> u64 {
        let line = stats
            .lines()
            .find(|l| l.trim_end().ends_with(&format!(" {name}")))
            .unwrap_or_else(|| panic!("no statistic {name} in\n{stats}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert_eq!(count("num-blocks-rewritten"), 1);
    assert!(count("cost-after") < count("cost-before"), "{stats}");
    assert_eq!((count("unstable-before"), count("unstable-after")), (1, 0));
    assert!(count("num-enodes") > 0 && count("num-eclasses") > 0);
    assert!(count("num-iterations") >= 1);
    assert_eq!(count("num-applied(log-one-plus)"), 1);
    assert!(count("num-applied(mul-one)") >= 1);
    assert!(stats.contains(" saturated stop-reason"), "{stats}");
    assert!(stats.contains(" time-us"), "{stats}");
}

#[test]
fn bad_options_are_refused() {
    let registry = eqsat_support::registry();
    for (text, want) in [
        (
            "graph-eqsat{rules=algebra,bogus}",
            "unknown rule set 'bogus'",
        ),
        ("graph-eqsat{node-limit=0}", "node-limit must be at least 1"),
        (
            "graph-eqsat{iter-limit=-1}",
            "iter-limit must be at least 0",
        ),
    ] {
        let err = tessera_compiler::pass::PassManager::parse(
            &registry,
            &format!("builtin.module({text})"),
        )
        .err()
        .unwrap_or_else(|| panic!("{text} parses"));
        assert!(err.message.contains(want), "{text}: {}", err.message);
    }
}
