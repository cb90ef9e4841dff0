//! Every op's documented example parses in custom form, verifies, prints
//! back unchanged, and round-trips through the generic form.

use tessera_compiler::syntax::{ParseConfig, PrintOptions, parse_module, print_op};
use tessera_compiler::{Context, verify::verify};

/// Wraps one op line in an unregistered op whose block arguments define
/// the operands, reading names and types from the op's functional type.
fn wrap(example: &str) -> String {
    let (lhs, ty) = example.rsplit_once(" : (").expect("functional type");
    let operand_types = ty.split_once(") -> ").expect("arrow").0;
    let after_name = lhs.split_once(" = ").unwrap().1;
    let operands: Vec<&str> = after_name
        .split_once(' ')
        .map(|(_, rest)| rest.split('{').next().unwrap())
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    // Split the types on the commas between tensor types only.
    let types: Vec<String> = operand_types
        .split(", tensor")
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| {
            if i == 0 {
                t.to_string()
            } else {
                format!("tensor{t}")
            }
        })
        .collect();
    assert_eq!(operands.len(), types.len(), "{example}");
    let args: Vec<String> = operands
        .iter()
        .zip(&types)
        .map(|(o, t)| format!("{o}: {t}"))
        .collect();
    format!(
        "\"test.wrap\"() ({{\n^bb0({}):\n  {example}\n  \"test.use\"(%{}) : ({}) -> ()\n}}) : () -> ()\n",
        args.join(", "),
        lhs.trim_start_matches('%').split(' ').next().unwrap(),
        ty.split_once(") -> ").unwrap().1
    )
}

fn context() -> Context {
    let mut ctx = Context::new();
    tessera_dialects::register_all(&mut ctx);
    ctx.allow_unregistered = true;
    ctx
}

#[test]
fn examples_round_trip() {
    for info in tessera_dialects::graph::OPS {
        let text = wrap(info.example);
        let mut ctx = context();
        let cfg = ParseConfig {
            file_name: "example.mlir".into(),
            line_offset: 0,
        };
        let module = parse_module(&mut ctx, &text, &cfg)
            .unwrap_or_else(|d| panic!("{}: {:?}\n{text}", info.name, d));
        verify(&ctx, module).unwrap_or_else(|d| panic!("{}: {:?}", info.name, d));
        let printed = print_op(&ctx, module, &PrintOptions::default());
        let line = printed
            .lines()
            .map(str::trim)
            .find(|l| l.contains(info.name))
            .unwrap();
        // Values are renumbered, so compare after the result name.
        let tail = |s: &str| s.split_once(" = ").unwrap().1.to_string();
        let strip_names = |s: String| {
            s.split(' ')
                .map(|w| if w.starts_with('%') { "%" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            strip_names(tail(line)),
            strip_names(tail(info.example)),
            "{}",
            info.name
        );
        // Generic form: parse what the printer writes and compare prints.
        let generic = print_op(
            &ctx,
            module,
            &PrintOptions {
                generic: true,
                ..PrintOptions::default()
            },
        );
        let mut ctx2 = context();
        let m2 = parse_module(&mut ctx2, &generic, &cfg)
            .unwrap_or_else(|d| panic!("{}: {:?}\n{generic}", info.name, d));
        verify(&ctx2, m2).unwrap();
        assert_eq!(print_op(&ctx2, m2, &PrintOptions::default()), printed);
    }
}
