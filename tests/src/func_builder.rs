//! Building one `graph` function from Rust, op by op, with the inputs to
//! run it on: what the per-op differential suites (`lowering_diff`,
//! `upstream_interop`, `backends`) generate their cases with.

use tessera_compiler::ir::{Builder, InsertPoint, OperationState};
use tessera_compiler::syntax::{PrintOptions, print_op};
use tessera_compiler::{Attribute, BlockId, Context, OpId, Type, Value};
use tessera_dialects::graph::infer_result_type;
use tessera_dialects::graph::types::elem_type_to_type;
use tessera_dialects::interp::eval::{tensor_to_attr, tensor_type};
use tessera_dialects::interp::value::{ElemType, Tensor};

/// A `func.func @main` under construction in its own module, with the
/// inputs to call it with.
pub struct FuncBuilder {
    /// The context holding the module.
    pub ctx: Context,
    /// The module holding `@main`.
    pub module: OpId,
    /// The inputs, one per argument made with [`FuncBuilder::arg`].
    pub inputs: Vec<Tensor>,
    func: OpId,
    block: BlockId,
    file: String,
}

impl FuncBuilder {
    /// An empty `@main`; ops are located in `file` (for messages).
    pub fn new(file: &str) -> FuncBuilder {
        let mut ctx = crate::progen::check::new_context();
        let loc = ctx.file_loc(file, 1, 1);
        let module = ctx.create_module(loc);
        let region = ctx.create_region();
        let block = ctx.create_block(&[], loc);
        ctx.append_block(region, block);
        let mut state = OperationState::new(ctx.op_name("func.func"), loc).region(region);
        let (name, value) = (ctx.symbol("sym_name"), ctx.str_attr("main"));
        state.set_attr(name, value);
        let func = ctx.create_op(state);
        let body = ctx.module_body(module);
        ctx.append_op(body, func);
        FuncBuilder {
            ctx,
            module,
            inputs: Vec::new(),
            func,
            block,
            file: file.to_string(),
        }
    }

    /// A builder over the first function of a parsed `module`, to call
    /// with `inputs`.
    pub fn from_parsed(ctx: Context, module: OpId, inputs: Vec<Tensor>) -> FuncBuilder {
        let body = ctx.module_body(module);
        let func = ctx
            .block_ops(body)
            .find(|&f| ctx.op_is(f, "func.func"))
            .expect("the module has a function");
        let block = ctx.entry_block(func, 0).expect("the function has a body");
        FuncBuilder {
            ctx,
            module,
            inputs,
            func,
            block,
            file: String::new(),
        }
    }

    /// A new argument, called with `t`.
    pub fn arg(&mut self, t: Tensor) -> Value {
        let ty = tensor_type(&mut self.ctx, &t);
        let loc = self.ctx.unknown_loc();
        self.inputs.push(t);
        self.ctx.add_block_arg(self.block, ty, loc)
    }

    /// `name(operands) {attrs}` with the result type the dialect infers;
    /// panics when it does not type-check (a generator bug).
    pub fn op(&mut self, name: &str, operands: &[Value], attrs: &[(&str, Attribute)]) -> Value {
        let types: Vec<Type> = operands.iter().map(|&v| self.ctx.value_type(v)).collect();
        let ty = infer_result_type(&mut self.ctx, name, &types, attrs)
            .unwrap_or_else(|e| panic!("{name} does not type-check: {e}"));
        self.typed(name, operands, attrs, ty)
    }

    /// `name(operands) {attrs} : ty`.
    pub fn typed(
        &mut self,
        name: &str,
        operands: &[Value],
        attrs: &[(&str, Attribute)],
        ty: Type,
    ) -> Value {
        let loc = self.ctx.file_loc(&self.file, 2, 3);
        let mut b = Builder::new(&mut self.ctx, InsertPoint::End(self.block));
        b.create_value(name, operands, ty, attrs, loc)
    }

    /// `graph.constant` holding `t`.
    pub fn constant(&mut self, t: &Tensor) -> Value {
        let ty = tensor_type(&mut self.ctx, t);
        let a = tensor_to_attr(&mut self.ctx, t, ty);
        self.typed("graph.constant", &[], &[("value", a)], ty)
    }

    /// `array<i64: v...>`.
    pub fn ints(&mut self, v: &[i64]) -> Attribute {
        self.ctx.i64_array_attr(v)
    }

    /// `v : i64`.
    pub fn int(&mut self, v: i64) -> Attribute {
        self.ctx.i64_attr(v)
    }

    /// `tensor<shape x elem>`.
    pub fn tensor_ty(&mut self, shape: &[usize], elem: ElemType) -> Type {
        let e = elem_type_to_type(&mut self.ctx, elem);
        let s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
        self.ctx.tensor_type(&s, e)
    }

    /// Ends `@main` returning `results`, and gives it its function type.
    pub fn finish(&mut self, results: &[Value]) {
        let loc = self.ctx.unknown_loc();
        let mut b = Builder::new(&mut self.ctx, InsertPoint::End(self.block));
        b.create("func.return", results, &[], &[], loc);
        let inputs: Vec<Type> = self
            .ctx
            .block_args(self.block)
            .iter()
            .map(|&a| self.ctx.value_type(a))
            .collect();
        let outputs: Vec<Type> = results.iter().map(|&r| self.ctx.value_type(r)).collect();
        let fty = self.ctx.function_type(&inputs, &outputs);
        let a = self.ctx.type_attr(fty);
        self.ctx.set_attr(self.func, "function_type", a);
    }

    /// The module as text.
    pub fn text(&self) -> String {
        print_op(&self.ctx, self.module, &PrintOptions::default())
    }
}
