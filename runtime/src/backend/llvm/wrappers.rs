//! The entry points of public functions: the packed entry
//! `_tessera_packed_<name>(void **args)` (see [`crate::backend`]) and
//! MLIR's C interface `_mlir_ciface_<name>` (see the [backend docs](super)).

use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::module::Linkage;
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum};
use inkwell::values::{FunctionValue, PointerValue};
use tessera_compiler::{Context, OpId, Type};
use tessera_dialects::memref::memref_parts;

use super::translate::{FuncInfo, R, Translator, Val};
use super::types::{descriptor_type, vector_len, vector_parts};
use super::vector;
use crate::backend::{BackendError, packed_name};

impl<'ctx> Translator<'_, 'ctx> {
    /// The `i`-th pointer of the array `args` points to.
    fn load_slot(&self, args: PointerValue<'ctx>, i: usize) -> R<PointerValue<'ctx>> {
        let slot = self.gep(self.ptr_type().into(), args, self.i64c(i as i64))?;
        Ok(self
            .b
            .build_load(self.ptr_type(), slot, "")?
            .into_pointer_value())
    }

    /// Defines `_tessera_packed_<name>(void **args)`, which reads the
    /// arguments through `args`, calls the function and writes its results
    /// to the slots after them.
    pub(super) fn packed_entry(&mut self, info: &FuncInfo<'ctx>) -> R<()> {
        let op = info.op;
        let fty = self
            .llcx
            .void_type()
            .fn_type(&[self.ptr_type().into()], false);
        let f = self
            .module
            .add_function(&packed_name(&info.name), fty, Some(Linkage::External));
        self.begin_function(f);
        let args = f
            .get_nth_param(0)
            .ok_or_else(|| BackendError::new("the packed entry lost its parameter"))?
            .into_pointer_value();
        let mut call_args = Vec::new();
        for (i, &ty) in info.inputs.iter().enumerate() {
            let p = self.load_slot(args, i)?;
            if memref_parts(self.ir, ty).is_some() {
                call_args.extend(self.load_descriptor(p, ty, op)?.fields());
            } else {
                call_args.push(self.load_mem(ty, p, op)?);
            }
        }
        let results = self.call_inner(info, &call_args)?;
        for (j, (val, &ty)) in results.iter().zip(&info.results).enumerate() {
            let p = self.load_slot(args, info.inputs.len() + j)?;
            match val {
                Val::MemRef(m) => {
                    let s = self.memref_to_struct(m)?;
                    self.b.build_store(p, s)?;
                }
                Val::Basic(b) => {
                    let _ = ty;
                    self.store_mem(*b, p)?;
                }
            }
        }
        self.b.build_return(None)?;
        self.end_function()
    }

    /// Whether the C interface returns the results by value (one result,
    /// neither a memref nor a vector).
    pub(super) fn ciface_returns_value(ir: &Context, results: &[Type]) -> bool {
        results.len() == 1
            && memref_parts(ir, results[0]).is_none()
            && vector_parts(ir, results[0]).is_none()
    }

    /// The C-interface struct member for a result of type `ty`: a memref's
    /// descriptor, a vector's elements as an array, else the scalar.
    fn ciface_member(&self, ty: Type, op: OpId) -> R<BasicTypeEnum<'ctx>> {
        if let Some(p) = memref_parts(self.ir, ty) {
            return Ok(descriptor_type(self.llcx, p.shape.len()).into());
        }
        let lt = self.llvm_type(ty, op)?;
        if let BasicTypeEnum::VectorType(vt) = lt {
            let n = vector_len(self.ir, ty).unwrap_or(1);
            let elem = vector::memory_vector_type(self.llcx, vt).get_element_type();
            return Ok(match elem {
                BasicTypeEnum::IntType(t) => t.array_type(n).into(),
                BasicTypeEnum::FloatType(t) => t.array_type(n).into(),
                _ => return Err(self.err(op, "has a vector of unsupported elements")),
            });
        }
        Ok(lt)
    }

    /// Defines `_mlir_ciface_<name>`: memrefs by pointer to descriptor,
    /// vectors by pointer to elements, scalars by value; results returned
    /// by value (one scalar) or through a pointer to a struct passed first.
    pub(super) fn ciface(&mut self, info: &FuncInfo<'ctx>) -> R<()> {
        let op = info.op;
        let by_value = Self::ciface_returns_value(self.ir, &info.results);
        let through_ptr = !by_value && !info.results.is_empty();
        let mut params: Vec<BasicMetadataTypeEnum> = Vec::new();
        if through_ptr {
            params.push(self.ptr_type().into());
        }
        for &ty in &info.inputs {
            if memref_parts(self.ir, ty).is_some() || vector_parts(self.ir, ty).is_some() {
                params.push(self.ptr_type().into());
            } else {
                params.push(self.llvm_type(ty, op)?.into());
            }
        }
        let fty = if by_value {
            self.llvm_type(info.results[0], op)?.fn_type(&params, false)
        } else {
            self.llcx.void_type().fn_type(&params, false)
        };
        let f = self.module.add_function(
            &format!("_mlir_ciface_{}", info.name),
            fty,
            Some(Linkage::External),
        );
        self.extend_small_ints(f);
        self.begin_function(f);
        let params = f.get_params();
        let (res_ptr, inputs) = if through_ptr {
            (Some(params[0].into_pointer_value()), &params[1..])
        } else {
            (None, &params[..])
        };
        let mut call_args = Vec::new();
        for (&p, &ty) in inputs.iter().zip(&info.inputs) {
            if memref_parts(self.ir, ty).is_some() {
                call_args.extend(
                    self.load_descriptor(p.into_pointer_value(), ty, op)?
                        .fields(),
                );
            } else if vector_parts(self.ir, ty).is_some() {
                call_args.push(self.load_mem(ty, p.into_pointer_value(), op)?);
            } else {
                call_args.push(p);
            }
        }
        let results = self.call_inner(info, &call_args)?;
        if by_value {
            let v = self.pack_member(&results[0])?;
            self.b.build_return(Some(&v))?;
        } else {
            if let Some(rp) = res_ptr {
                let members = info
                    .results
                    .iter()
                    .map(|&t| self.ciface_member(t, op))
                    .collect::<R<Vec<_>>>()?;
                let st = self.llcx.struct_type(&members, false);
                for (j, val) in results.iter().enumerate() {
                    let field = self.b.build_struct_gep(st, rp, j as u32, "")?;
                    match val {
                        Val::MemRef(m) => {
                            let s = self.memref_to_struct(m)?;
                            self.b.build_store(field, s)?;
                        }
                        Val::Basic(b) => self.store_mem(*b, field)?,
                    }
                }
            }
            self.b.build_return(None)?;
        }
        self.end_function()
    }

    /// Marks the small integer parameters and result of a C-interface
    /// function as C compilers do (`zeroext` for `bool`, `signext` for
    /// `int8_t` and `int16_t`), so callers and callee agree on the upper
    /// bits of the register.
    fn extend_small_ints(&self, f: FunctionValue<'ctx>) {
        let attr = |ty: Option<BasicTypeEnum<'ctx>>| match ty {
            Some(BasicTypeEnum::IntType(i)) if i.get_bit_width() == 1 => Some("zeroext"),
            Some(BasicTypeEnum::IntType(i)) if i.get_bit_width() < 32 => Some("signext"),
            _ => None,
        };
        let fty = f.get_type();
        let mut places: Vec<(AttributeLoc, Option<BasicTypeEnum<'ctx>>)> = fty
            .get_param_types()
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    AttributeLoc::Param(i as u32),
                    BasicTypeEnum::try_from(t).ok(),
                )
            })
            .collect();
        places.push((AttributeLoc::Return, fty.get_return_type()));
        for (loc, ty) in places {
            if let Some(name) = attr(ty) {
                let kind = Attribute::get_named_enum_kind_id(name);
                f.add_attribute(loc, self.llcx.create_enum_attribute(kind, 0));
            }
        }
    }
}
