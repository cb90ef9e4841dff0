//! Tests of the pass manager: pipeline parsing (syntax, errors, options),
//! implicit and explicit nesting, run order, verification after each pass,
//! statistics, timing and IR printing, with toy passes defined here.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use tessera_compiler::diag::Diagnostic;
use tessera_compiler::ir::{Builder, InsertPoint};
use tessera_compiler::pass::{
    IrPrinting, OptionKind, OptionSetting, Pass, PassFailed, PassInfo, PassManager, PassOptionInfo,
    PassOptions, PassRegistry, PassState, PipelineElement, TimingReport, parse_options,
    parse_pipeline,
};
use tessera_compiler::{BlockId, Context, DialectDef, OpDef, OpId, OpTraits};

thread_local! {
    /// What the toy passes did, in order: `pass@function`.
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(entry: String) {
    LOG.with(|l| l.borrow_mut().push(entry));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

fn where_(ctx: &Context, op: OpId) -> String {
    ctx.symbol_name(op)
        .map_or_else(|| ctx.op_name_of(op).to_string(), str::to_string)
}

/// Logs its name and the op it ran on.
struct Logger(&'static str);
impl Pass for Logger {
    fn run(&mut self, ctx: &mut Context, op: OpId, _: &mut PassState) -> Result<(), PassFailed> {
        log(format!("{}@{}", self.0, where_(ctx, op)));
        Ok(())
    }
}

/// Erases unused `test.const` ops; counts them.
struct EraseDead {
    limit: i64,
}
impl Pass for EraseDead {
    fn run(&mut self, ctx: &mut Context, op: OpId, st: &mut PassState) -> Result<(), PassFailed> {
        log(format!("erase-dead@{}", where_(ctx, op)));
        let mut erased = 0;
        for o in ctx.walk_postorder(op) {
            if (self.limit < 0 || erased < self.limit)
                && ctx.op_is(o, "test.const")
                && ctx.op(o).results.iter().all(|&r| ctx.is_unused(r))
            {
                ctx.erase_op(o);
                erased += 1;
            }
        }
        st.count("erased", erased as u64);
        st.set_text(
            "limit",
            if self.limit < 0 {
                "none".to_string()
            } else {
                self.limit.to_string()
            },
        );
        Ok(())
    }
}

/// Moves the terminator of each function to the front: invalid IR.
struct BreakIr;
impl Pass for BreakIr {
    fn run(&mut self, ctx: &mut Context, op: OpId, _: &mut PassState) -> Result<(), PassFailed> {
        let block = ctx.entry_block(op, 0).unwrap();
        let (first, last) = (ctx.first_op(block).unwrap(), ctx.last_op(block).unwrap());
        if first != last {
            ctx.move_op_before(last, first);
        }
        Ok(())
    }
}

/// Always fails with an error at the op.
struct Fail;
impl Pass for Fail {
    fn run(&mut self, ctx: &mut Context, op: OpId, st: &mut PassState) -> Result<(), PassFailed> {
        log(format!("fail@{}", where_(ctx, op)));
        st.diagnostics
            .push(Diagnostic::error(ctx.op(op).loc, "the fail pass failed"));
        Err(PassFailed)
    }
}

/// Records its options in attributes of the op it runs on.
struct Tag {
    label: String,
    names: Vec<String>,
    flag: bool,
}
impl Pass for Tag {
    fn run(&mut self, ctx: &mut Context, op: OpId, st: &mut PassState) -> Result<(), PassFailed> {
        let a = ctx.str_attr(&format!(
            "{}|{}|{}",
            self.label,
            self.names.join("+"),
            self.flag
        ));
        ctx.set_attr(op, "tag", a);
        st.diagnostics
            .push(Diagnostic::warning(ctx.op(op).loc, "tagged"));
        Ok(())
    }
}

fn opt(
    name: &'static str,
    kind: OptionKind,
    default: &'static str,
    help: &'static str,
) -> PassOptionInfo {
    PassOptionInfo {
        name,
        kind,
        default,
        help,
    }
}

fn info(
    name: &'static str,
    anchor: Option<&'static str>,
    create: tessera_compiler::pass::PassConstructor,
) -> PassInfo {
    PassInfo {
        name,
        summary: "a toy pass",
        description: "",
        anchor,
        options: Vec::new(),
        create,
    }
}

fn registry() -> PassRegistry {
    let mut r = PassRegistry::new();
    r.register(PassInfo {
        summary: "Erase unused test.const ops",
        options: vec![opt(
            "limit",
            OptionKind::Int,
            "-1",
            "Most ops to erase per run",
        )],
        ..info("erase-dead", Some("func.func"), |o| {
            Ok(Box::new(EraseDead {
                limit: o.int("limit"),
            }))
        })
    });
    r.register(info("log-a", None, |_| Ok(Box::new(Logger("log-a")))));
    r.register(info("log-b", None, |_| Ok(Box::new(Logger("log-b")))));
    r.register(info("log-func", Some("func.func"), |_| {
        Ok(Box::new(Logger("log-func")))
    }));
    r.register(info("log-module", Some("builtin.module"), |_| {
        Ok(Box::new(Logger("log-module")))
    }));
    r.register(info("break-ir", Some("func.func"), |_| {
        Ok(Box::new(BreakIr))
    }));
    r.register(info("fail", None, |_| Ok(Box::new(Fail))));
    r.register(PassInfo {
        summary: "Tag ops with the pass options",
        options: vec![
            opt("label", OptionKind::Str, "none", "A label"),
            opt("names", OptionKind::List, "", "Some names"),
            opt("flag", OptionKind::Bool, "false", "A flag"),
        ],
        ..info("tag", None, |o| {
            if o.str("label") == "reject" {
                return Err("label 'reject' is rejected".to_string());
            }
            Ok(Box::new(Tag {
                label: o.str("label").to_string(),
                names: o.list("names"),
                flag: o.bool("flag"),
            }))
        })
    });
    r
}

fn toy_context() -> Context {
    let mut ctx = Context::new();
    ctx.register_dialect(
        DialectDef::new("builtin", "builtin"),
        vec![OpDef::new("builtin.module", "a module").traits(
            OpTraits::NO_TERMINATOR
                | OpTraits::SYMBOL_TABLE
                | OpTraits::GRAPH_REGION
                | OpTraits::ISOLATED_FROM_ABOVE,
        )],
    );
    ctx.register_dialect(
        DialectDef::new("func", "functions"),
        vec![
            OpDef::new("func.func", "a function")
                .traits(OpTraits::ISOLATED_FROM_ABOVE | OpTraits::SYMBOL),
            OpDef::new("func.return", "return").traits(OpTraits::TERMINATOR),
        ],
    );
    ctx.register_dialect(
        DialectDef::new("test", "toy ops"),
        vec![OpDef::new("test.const", "a value").traits(OpTraits::PURE)],
    );
    ctx
}

/// A module with functions `names`, each holding `dead` unused constants,
/// one used constant and a return.
fn module(ctx: &mut Context, names: &[&str], dead: usize) -> OpId {
    let loc = ctx.file_loc("t.mlir", 1, 1);
    let m = ctx.create_module(loc);
    let body = ctx.module_body(m);
    for (i, name) in names.iter().enumerate() {
        let floc = ctx.file_loc("t.mlir", 10 * (i as u32 + 1), 1);
        let region = ctx.create_region();
        let block: BlockId = ctx.create_block(&[], floc);
        ctx.append_block(region, block);
        let sym = ctx.str_attr(name);
        let f = Builder::new(ctx, InsertPoint::End(body)).create(
            "func.func",
            &[],
            &[],
            &[("sym_name", sym)],
            floc,
        );
        ctx.add_region(f, region);
        let t = ctx.i32_type();
        let mut b = Builder::new(ctx, InsertPoint::End(block));
        for _ in 0..dead {
            b.create("test.const", &[], &[t], &[], floc);
        }
        let used = b.create_value("test.const", &[], t, &[], floc);
        b.create("func.return", &[used], &[], &[], floc);
    }
    m
}

fn count_ops(ctx: &Context, root: OpId, name: &str) -> usize {
    ctx.walk_preorder(root)
        .into_iter()
        .filter(|&o| ctx.op_is(o, name))
        .count()
}

// ---- pipeline syntax ----

#[test]
fn parses_nested_pipelines_with_options() {
    let text = "builtin.module(func.func(canonicalize,cse),graph-eqsat{node-limit=20000 rules=algebra,stability verbose})";
    let parsed = parse_pipeline(text).unwrap();
    let [
        PipelineElement::Nested {
            anchor, elements, ..
        },
    ] = parsed.as_slice()
    else {
        panic!("{parsed:?}")
    };
    assert_eq!(anchor, "builtin.module");
    assert_eq!(elements.len(), 2);
    let PipelineElement::Nested {
        anchor,
        elements: inner,
        ..
    } = &elements[0]
    else {
        panic!("{elements:?}")
    };
    assert_eq!(anchor, "func.func");
    let names: Vec<&str> = inner
        .iter()
        .map(|e| match e {
            PipelineElement::Pass { name, .. } => name.as_str(),
            PipelineElement::Nested { anchor, .. } => anchor.as_str(),
        })
        .collect();
    assert_eq!(names, ["canonicalize", "cse"]);
    let PipelineElement::Pass { name, options, pos } = &elements[1] else {
        panic!("{elements:?}")
    };
    assert_eq!(name, "graph-eqsat");
    assert_eq!(&text[*pos..*pos + 11], "graph-eqsat");
    let kv: Vec<(&str, Option<&str>)> = options
        .iter()
        .map(|o| (o.key.as_str(), o.value.as_deref()))
        .collect();
    assert_eq!(
        kv,
        [
            ("node-limit", Some("20000")),
            ("rules", Some("algebra,stability")),
            ("verbose", None)
        ]
    );
    assert_eq!(
        tessera_compiler::pass::pipeline::pipeline_to_string(&parsed),
        text
    );
}

#[test]
fn whitespace_quotes_and_braced_values() {
    let parsed =
        parse_pipeline(" builtin.module( a , b{ x=\"one two\" y='3' z={p{q} r} } ) ").unwrap();
    let [PipelineElement::Nested { elements, .. }] = parsed.as_slice() else {
        panic!()
    };
    let PipelineElement::Pass { options, .. } = &elements[1] else {
        panic!()
    };
    let kv: Vec<(&str, &str)> = options
        .iter()
        .map(|o| (o.key.as_str(), o.value.as_deref().unwrap()))
        .collect();
    assert_eq!(kv, [("x", "one two"), ("y", "3"), ("z", "p{q} r")]);
    assert_eq!(parse_pipeline("").unwrap(), vec![]);
    assert_eq!(parse_pipeline("builtin.module()").unwrap().len(), 1);
    assert_eq!(
        parse_options("a=1  b").unwrap(),
        vec![
            OptionSetting {
                key: "a".into(),
                value: Some("1".into()),
                pos: 0
            },
            OptionSetting {
                key: "b".into(),
                value: None,
                pos: 5
            },
        ]
    );
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let cases = [
        (
            "builtin.module(cse",
            0,
            "missing ')' to close the pipeline of 'builtin.module'",
        ),
        ("cse)", 3, "unbalanced ')' in pass pipeline"),
        (
            "builtin.module(,cse)",
            15,
            "expected a pass or op name, found ','",
        ),
        (
            "cse,",
            4,
            "expected a pass or op name, found the end of the pipeline",
        ),
        ("cse{a=1", 3, "missing '}' to close the pass options"),
        ("cse{a=\"1}", 6, "missing closing \""),
        (
            "cse{a=1}(x)",
            8,
            "pass 'cse' cannot have a nested pipeline; only op names can",
        ),
        ("a b", 2, "expected ',' in pass pipeline, found 'b'"),
        (
            "f(a;b)",
            3,
            "expected ',' or ')' in the pipeline of 'f', found ';'",
        ),
    ];
    for (text, pos, message) in cases {
        let err = parse_pipeline(text).unwrap_err();
        assert_eq!(
            (err.pos, err.message.as_str()),
            (pos, message),
            "for {text:?}"
        );
    }
    let err = parse_pipeline("builtin.module(cse))").unwrap_err();
    assert_eq!(
        err.render("builtin.module(cse))"),
        "unbalanced ')' in pass pipeline\n  builtin.module(cse))\n                     ^"
    );
    assert_eq!(
        parse_options("a=1}").unwrap_err().message,
        "unbalanced '}' in pass options"
    );
}

#[test]
fn unknown_passes_and_options_list_the_valid_ones() {
    let r = registry();
    let err = PassManager::parse(&r, "builtin.module(func.func(erase-dead,csee))").unwrap_err();
    assert_eq!(
        err.message,
        "unknown pass 'csee'; valid passes: break-ir, erase-dead, fail, log-a, log-b, log-func, log-module, tag"
    );
    assert_eq!(err.pos, 36);
    let err = PassManager::parse(&r, "tag{foo=1}").unwrap_err();
    assert_eq!(
        err.message,
        "unknown option 'foo' for pass 'tag'; valid options: label, names, flag"
    );
    assert_eq!(err.pos, 4);
    let err = PassManager::parse(&r, "log-a{x}").unwrap_err();
    assert_eq!(
        err.message,
        "unknown option 'x' for pass 'log-a', which has no options"
    );
    let err = PassManager::parse(&PassRegistry::new(), "cse").unwrap_err();
    assert_eq!(
        err.message,
        "unknown pass 'cse'; valid passes: none are registered"
    );
}

#[test]
fn option_values_are_checked_and_defaults_filled() {
    let r = registry();
    let bad = [
        (
            "erase-dead{limit=many}",
            "option 'limit' of pass 'erase-dead' expects an integer, got 'many'",
        ),
        (
            "erase-dead{limit}",
            "option 'limit' of pass 'erase-dead' needs a value (name=<int>)",
        ),
        (
            "tag{flag=yes}",
            "option 'flag' of pass 'tag' expects true or false, got 'yes'",
        ),
        (
            "tag{label=a label=b}",
            "option 'label' of pass 'tag' is given twice",
        ),
        (
            "tag{label=reject}",
            "invalid options for pass 'tag': label 'reject' is rejected",
        ),
    ];
    for (text, message) in bad {
        assert_eq!(
            PassManager::parse(&r, text).unwrap_err().message,
            message,
            "for {text}"
        );
    }
    let info = r.get("tag").unwrap();
    let o = info
        .check_options(&parse_options("flag names={ a , b ,}").unwrap())
        .unwrap();
    assert!(o.bool("flag"));
    assert_eq!(o.list("names"), ["a", "b"]);
    assert_eq!(o.str("label"), "none");
    assert_eq!(info.options_text(&o), "{label=none names=a,b flag=true}");
    let defaults = info.check_options(&[]).unwrap();
    assert_eq!(
        info.options_text(&defaults),
        "{label=none names=\"\" flag=false}"
    );
    assert!(!defaults.bool("flag"));
    assert_eq!(PassOptions::default().int("missing"), 0);
}

// ---- nesting ----

#[test]
fn passes_anchored_elsewhere_nest_implicitly_and_share_a_nested_manager() {
    let r = registry();
    let pm = PassManager::parse(&r, "builtin.module(erase-dead,log-func,log-a,log-func)").unwrap();
    assert_eq!(
        pm.pipeline_string(),
        "builtin.module(func.func(erase-dead{limit=-1},log-func),log-a,func.func(log-func))"
    );
    // Without the module anchor, the text means the same.
    let pm2 = PassManager::parse(&r, "erase-dead,log-func,log-a,log-func").unwrap();
    assert_eq!(pm2.pipeline_string(), pm.pipeline_string());
    assert_eq!(
        pm.pass_names(),
        ["erase-dead", "log-func", "log-a", "log-func"]
    );
    // The printed pipeline parses back to itself.
    let again = PassManager::parse(&r, &pm.pipeline_string()).unwrap();
    assert_eq!(again.pipeline_string(), pm.pipeline_string());
}

#[test]
fn a_pass_cannot_nest_under_an_unrelated_anchor() {
    let r = registry();
    let err = PassManager::parse(&r, "builtin.module(func.func(log-module))").unwrap_err();
    assert_eq!(
        err.message,
        "pass 'log-module' runs on 'builtin.module' ops and cannot be nested under 'func.func'"
    );
    assert_eq!(err.pos, 25);
}

#[test]
fn nested_pipelines_run_whole_on_each_anchor_in_order() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g"], 0);
    let mut pm = PassManager::parse(
        &r,
        "builtin.module(log-a,func.func(log-a,log-b),log-module,log-b)",
    )
    .unwrap();
    take_log();
    pm.run(&mut ctx, m).unwrap();
    assert_eq!(
        take_log(),
        [
            "log-a@builtin.module",
            "log-a@f",
            "log-b@f",
            "log-a@g",
            "log-b@g",
            "log-module@builtin.module",
            "log-b@builtin.module",
        ]
    );
}

#[test]
fn unknown_anchors_are_reported() {
    let r = registry();
    let ctx = toy_context();
    let pm = PassManager::parse(&r, "builtin.module(func.fucn(log-a),func.func(log-b))").unwrap();
    assert_eq!(pm.unknown_anchors(&ctx), ["func.fucn"]);
}

// ---- running ----

#[test]
fn passes_change_the_ir_and_count_statistics_over_every_run() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g"], 3);
    assert_eq!(count_ops(&ctx, m, "test.const"), 8);
    let mut pm = PassManager::parse(&r, "erase-dead{limit=2}").unwrap();
    let warnings = pm.run(&mut ctx, m).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(count_ops(&ctx, m, "test.const"), 4);
    pm.run(&mut ctx, m).unwrap();
    assert_eq!(count_ops(&ctx, m, "test.const"), 2);
    let report = pm.statistics_report();
    assert!(
        report.contains("... Pass statistics report ..."),
        "{report}"
    );
    let body: Vec<&str> = report.lines().skip(3).collect();
    assert_eq!(
        body,
        [
            "'builtin.module' Pipeline",
            "  'func.func' Pipeline",
            "    erase-dead",
            "      (S) 6 erased",
            "      (S) 2 limit",
        ]
    );
}

#[test]
fn statistics_facts_that_differ_are_listed_once_each() {
    let mut r = registry();
    struct Facts;
    impl Pass for Facts {
        fn run(
            &mut self,
            ctx: &mut Context,
            op: OpId,
            st: &mut PassState,
        ) -> Result<(), PassFailed> {
            let name = where_(ctx, op);
            st.set_text(
                "stop-reason",
                if name == "g" {
                    "node-limit"
                } else {
                    "saturated"
                },
            );
            Ok(())
        }
    }
    r.register(info("facts", Some("func.func"), |_| Ok(Box::new(Facts))));
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g", "h"], 0);
    let mut pm = PassManager::parse(&r, "facts").unwrap();
    pm.run(&mut ctx, m).unwrap();
    assert!(
        pm.statistics_report()
            .contains("(S) saturated, node-limit stop-reason"),
        "{}",
        pm.statistics_report()
    );
}

#[test]
fn pass_options_reach_the_pass_and_warnings_are_returned() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f"], 0);
    let mut pm = PassManager::parse(&r, "tag{label=hi names=x,y flag}").unwrap();
    let warnings = pm.run(&mut ctx, m).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message, "tagged");
    let tag = ctx
        .attr_data_of(m, "tag")
        .and_then(|a| a.as_str())
        .map(str::to_string);
    assert_eq!(tag.as_deref(), Some("hi|x+y|true"));
}

#[test]
fn the_verifier_runs_after_each_pass_and_names_the_pass_that_broke_the_ir() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f"], 1);
    let mut pm = PassManager::parse(&r, "break-ir,log-a").unwrap();
    take_log();
    let errs = pm.run(&mut ctx, m).unwrap_err();
    assert_eq!(
        errs[0].message,
        "pass 'break-ir' produced invalid IR: the verifier failed after it ran on this 'func.func' op"
    );
    assert!(
        errs[1..]
            .iter()
            .any(|d| d.message.contains("must be the last operation")),
        "{errs:?}"
    );
    // The pipeline stopped: log-a did not run.
    assert!(take_log().is_empty());

    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f"], 1);
    let mut pm = PassManager::parse(&r, "break-ir,log-a").unwrap();
    pm.verify_each = false;
    assert!(pm.run(&mut ctx, m).is_ok());
    assert_eq!(take_log(), ["log-a@builtin.module"]);
}

#[test]
fn a_failing_pass_stops_the_pipeline_after_its_targets() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g"], 0);
    let mut pm = PassManager::parse(&r, "func.func(fail,log-a),log-b").unwrap();
    take_log();
    let errs = pm.run(&mut ctx, m).unwrap_err();
    assert_eq!(errs.len(), 2);
    assert!(errs.iter().all(|d| d.message == "the fail pass failed"));
    assert_eq!(take_log(), ["fail@f", "fail@g"]);
}

#[test]
fn running_on_the_wrong_op_is_an_error() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f"], 0);
    let f = ctx.first_op(ctx.module_body(m)).unwrap();
    let mut pm = PassManager::parse(&r, "log-a").unwrap();
    let errs = pm.run(&mut ctx, f).unwrap_err();
    assert_eq!(
        errs[0].message,
        "can't run a pass pipeline anchored at 'builtin.module' on a 'func.func' op"
    );
}

#[test]
fn timing_rows_follow_the_pipeline() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f"], 0);
    let mut pm = PassManager::parse(&r, "log-a,func.func(log-b)").unwrap();
    pm.run(&mut ctx, m).unwrap();
    let mut report = TimingReport::new();
    report.add(0, "parser", std::time::Duration::from_millis(1));
    pm.timing_rows(0, &mut report);
    let rows: Vec<(usize, &str)> = report
        .rows
        .iter()
        .map(|r| (r.depth, r.name.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, "parser"),
            (0, "log-a"),
            (0, "'func.func' Pipeline"),
            (1, "log-b"),
            (1, "verifier"),
            (0, "verifier")
        ]
    );
    let text = report.render(std::time::Duration::from_millis(10));
    assert!(
        text.contains("Total Execution Time: 0.0100 seconds"),
        "{text}"
    );
    assert!(text.contains("    0.0010 ( 10.0%)  parser"), "{text}");
    assert!(text.contains("(100.0%)  Total"), "{text}");
    assert!(text.contains("  rest"), "{text}");
}

/// A writer whose bytes the test can read afterwards.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);
impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn ir_printing_before_and_after_passes() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g"], 0);
    let out = Shared::default();
    let mut pm = PassManager::parse(&r, "log-a,func.func(log-b),log-module").unwrap();
    let mut printing = IrPrinting::new(Box::new(out.clone()));
    printing.before = vec!["log-a".into()];
    printing.after = vec!["log-b".into()];
    pm.printing = Some(printing);
    pm.run(&mut ctx, m).unwrap();
    let text = String::from_utf8(out.0.borrow().clone()).unwrap();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("// -----// IR Dump"))
        .collect();
    assert_eq!(
        headers,
        [
            "// -----// IR Dump Before log-a //----- //",
            "// -----// IR Dump After log-b //----- //",
            "// -----// IR Dump After log-b //----- //",
        ]
    );
    // Dumps after a function pass show that function only.
    let dumps: Vec<&str> = text.split("// -----// IR Dump").collect();
    assert!(
        dumps[1].starts_with(" Before log-a //----- //\n\"builtin.module\""),
        "{text}"
    );
    let (f, g) = ("sym_name = \"f\"", "sym_name = \"g\"");
    assert!(dumps[2].contains(f) && !dumps[2].contains(g), "{text}");
    assert!(dumps[3].contains(g) && !dumps[3].contains(f), "{text}");
}

#[test]
fn ir_printing_after_all_in_module_scope() {
    let r = registry();
    let mut ctx = toy_context();
    let m = module(&mut ctx, &["f", "g"], 0);
    let out = Shared::default();
    let mut pm = PassManager::parse(&r, "func.func(log-b),fail").unwrap();
    let mut printing = IrPrinting::new(Box::new(out.clone()));
    printing.after_all = true;
    printing.module_scope = true;
    pm.printing = Some(printing);
    pm.run(&mut ctx, m).unwrap_err();
    let text = String::from_utf8(out.0.borrow().clone()).unwrap();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("// -----// IR Dump"))
        .collect();
    assert_eq!(
        headers,
        [
            "// -----// IR Dump After log-b //----- //",
            "// -----// IR Dump After log-b //----- //",
            "// -----// IR Dump After fail Failed //----- //",
        ]
    );
    let dumps: Vec<&str> = text.split("// -----// IR Dump").collect();
    assert!(
        dumps[1].contains("sym_name = \"f\"") && dumps[1].contains("sym_name = \"g\""),
        "{text}"
    );
}

// ---- registry ----

#[test]
fn named_pipelines_are_a_table_a_driver_can_extend() {
    let mut r = registry();
    let names: Vec<&str> = r.pipelines().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["O0", "O1", "O2", "O3"]);
    assert_eq!(
        r.pipeline("O0").unwrap().pipeline,
        "builtin.module(convert-graph-to-affine,lower-affine)"
    );
    // The toy registry lacks canonicalize and cse, which -O1.. use.
    let problems = r.validate();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("pipeline 'O1': unknown pass 'canonicalize'")),
        "{problems:?}"
    );
    r.register_pipeline("O0", "toy", "");
    r.register_pipeline("O1", "toy", "builtin.module(log-a)");
    r.register_pipeline("O2", "toy", "log-a,log-b");
    r.register_pipeline("O3", "toy", "func.func(erase-dead)");
    assert_eq!(r.validate(), Vec::<String>::new());
    let pm = PassManager::parse(&r, &r.pipeline("O3").unwrap().pipeline).unwrap();
    assert_eq!(
        pm.pipeline_string(),
        "builtin.module(func.func(erase-dead{limit=-1}))"
    );
}

#[test]
fn validate_catches_bad_defaults_and_names() {
    let mut r = PassRegistry::new();
    for (name, _, _) in tessera_compiler::pass::opt_levels::OPT_LEVELS {
        r.register_pipeline(name, "", "");
    }
    r.register(PassInfo {
        options: vec![opt("n", OptionKind::Int, "lots", "")],
        ..info("Bad_Name", None, |_| Ok(Box::new(Logger("x"))))
    });
    assert_eq!(
        r.validate(),
        [
            "pass 'Bad_Name': the default of option 'n' of pass 'Bad_Name' is invalid: it expects an integer, got 'lots'",
            "pass 'Bad_Name': name is not kebab-case",
        ]
    );
}

#[test]
fn list_passes_text() {
    insta::assert_snapshot!(registry().list_text());
}
