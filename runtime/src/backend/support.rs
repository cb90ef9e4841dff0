//! The C symbols generated code calls, and where the JIT finds them.
//!
//! Both backends lower a `math` op that has no instruction (`math.exp`,
//! `math.erf`, ...) to a call of the C library's function of the same
//! name (`expf` for `f32`, `exp` for `f64`), as MLIR's
//! `convert-math-to-libm` does, and `memref.alloc`/`dealloc` to `malloc`
//! / `free`; LLVM's optimizer adds `calloc`, `memcpy`, `memmove` and
//! `memset` of its own. An object file links them from the C library; the JITs map
//! the names to the functions below, which compute exactly what the
//! reference interpreter computes (`tessera_dialects::interp::scalar`),
//! so a backend agrees with the interpreter bit for bit on these calls.

use std::ffi::c_void;

macro_rules! unary {
    ($($name:ident = $f:expr, $t:ty;)*) => {
        $(
            extern "C" fn $name(x: $t) -> $t {
                let f: fn($t) -> $t = $f;
                f(x)
            }
        )*
        const UNARY: &[(&str, *const u8)] = &[$((stringify!($name), $name as *const u8),)*];
    };
}

macro_rules! binary {
    ($($name:ident = $f:expr, $t:ty;)*) => {
        $(
            extern "C" fn $name(x: $t, y: $t) -> $t {
                let f: fn($t, $t) -> $t = $f;
                f(x, y)
            }
        )*
        const BINARY: &[(&str, *const u8)] = &[$((stringify!($name), $name as *const u8),)*];
    };
}

unary! {
    expf = f32::exp, f32;          exp = f64::exp, f64;
    exp2f = f32::exp2, f32;        exp2 = f64::exp2, f64;
    expm1f = f32::exp_m1, f32;     expm1 = f64::exp_m1, f64;
    logf = f32::ln, f32;           log = f64::ln, f64;
    log2f = f32::log2, f32;        log2 = f64::log2, f64;
    log10f = f32::log10, f32;      log10 = f64::log10, f64;
    log1pf = f32::ln_1p, f32;      log1p = f64::ln_1p, f64;
    sqrtf = f32::sqrt, f32;        sqrt = f64::sqrt, f64;
    cbrtf = f32::cbrt, f32;        cbrt = f64::cbrt, f64;
    sinf = f32::sin, f32;          sin = f64::sin, f64;
    cosf = f32::cos, f32;          cos = f64::cos, f64;
    tanf = f32::tan, f32;          tan = f64::tan, f64;
    asinf = f32::asin, f32;        asin = f64::asin, f64;
    acosf = f32::acos, f32;        acos = f64::acos, f64;
    atanf = f32::atan, f32;        atan = f64::atan, f64;
    sinhf = f32::sinh, f32;        sinh = f64::sinh, f64;
    coshf = f32::cosh, f32;        cosh = f64::cosh, f64;
    tanhf = f32::tanh, f32;        tanh = f64::tanh, f64;
    asinhf = libm::asinhf, f32;    asinh = libm::asinh, f64;
    acoshf = libm::acoshf, f32;    acosh = libm::acosh, f64;
    atanhf = libm::atanhf, f32;    atanh = libm::atanh, f64;
    erff = libm::erff, f32;        erf = libm::erf, f64;
    floorf = f32::floor, f32;      floor = f64::floor, f64;
    ceilf = f32::ceil, f32;        ceil = f64::ceil, f64;
    truncf = f32::trunc, f32;      trunc = f64::trunc, f64;
    roundf = f32::round, f32;      round = f64::round, f64;
    roundevenf = f32::round_ties_even, f32; roundeven = f64::round_ties_even, f64;
}

binary! {
    powf = f32::powf, f32;         pow = f64::powf, f64;
    atan2f = f32::atan2, f32;      atan2 = f64::atan2, f64;
    copysignf = f32::copysign, f32; copysign = f64::copysign, f64;
    fmodf = |x, y| x % y, f32;     fmod = |x, y| x % y, f64;
}

extern "C" fn fmaf(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}

extern "C" fn fma(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// `malloc` for generated code. Returns 64-byte aligned memory (a cache
/// line, and enough for any vector), so `aligned` = `allocated` in the
/// descriptors generated code builds.
extern "C" fn malloc(bytes: usize) -> *mut c_void {
    let mut ptr: *mut c_void = std::ptr::null_mut();
    // SAFETY: posix_memalign writes a valid pointer or leaves it null;
    // 64 is a power of two and a multiple of the pointer size.
    let rc = unsafe { libc::posix_memalign(&mut ptr, 64, bytes.max(1)) };
    if rc != 0 { std::ptr::null_mut() } else { ptr }
}

/// `calloc` for generated code: LLVM's optimizer turns `malloc` followed
/// by a zeroing `memset` into it. Aligned like [`malloc`].
extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(bytes) = count.checked_mul(size) else {
        return std::ptr::null_mut();
    };
    let ptr = malloc(bytes);
    if !ptr.is_null() {
        // SAFETY: `ptr` holds at least `bytes` writable bytes.
        unsafe { std::ptr::write_bytes(ptr.cast::<u8>(), 0, bytes) };
    }
    ptr
}

extern "C" fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: generated code copies between disjoint buffers of `n` bytes.
    unsafe { libc::memcpy(dst, src, n) }
}

extern "C" fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // SAFETY: generated code moves within buffers of `n` bytes.
    unsafe { libc::memmove(dst, src, n) }
}

extern "C" fn memset(dst: *mut c_void, value: i32, n: usize) -> *mut c_void {
    // SAFETY: generated code sets `n` bytes of a buffer it owns.
    unsafe { libc::memset(dst, value, n) }
}

extern "C" fn free(ptr: *mut c_void) {
    // SAFETY: generated code frees only what `malloc` above returned.
    unsafe { libc::free(ptr) }
}

/// The address of the runtime function generated code calls as `name`
/// (a C library name: `expf`, `malloc`, ...), or `None` when it is not one.
pub fn symbol_address(name: &str) -> Option<*const u8> {
    let fixed: [(&str, *const u8); 11] = [
        (
            crate::jit_profile::ENTER,
            crate::jit_profile::profile_enter as *const u8,
        ),
        (
            crate::jit_profile::EXIT,
            crate::jit_profile::profile_exit as *const u8,
        ),
        ("fmaf", fmaf as *const u8),
        ("fma", fma as *const u8),
        ("malloc", malloc as *const u8),
        ("calloc", calloc as *const u8),
        ("free", free as *const u8),
        ("memcpy", memcpy as *const u8),
        ("memmove", memmove as *const u8),
        ("memset", memset as *const u8),
        (
            super::parallel::PARALLEL_FOR,
            super::parallel::_tessera_parallel_for as *const u8,
        ),
    ];
    UNARY
        .iter()
        .chain(BINARY)
        .chain(fixed.iter())
        .find(|(n, _)| *n == name)
        .map(|&(_, addr)| addr)
}

/// The C name of the libm function for a `math` op (`math.exp` on `f32` →
/// `expf`), or `None` when the op has an instruction or no libm function.
pub fn libm_name(op: &str, is_f32: bool) -> Option<String> {
    let base = match op.strip_prefix("math.")? {
        "exp" | "exp2" | "expm1" | "log" | "log2" | "log10" | "log1p" | "cbrt" | "sin" | "cos"
        | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh" | "asinh" | "acosh"
        | "atanh" | "erf" | "atan2" | "round" | "roundeven" => op.strip_prefix("math.")?,
        "powf" => "pow",
        _ => return None,
    };
    Some(if is_f32 {
        format!("{base}f")
    } else {
        base.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_libm_name_has_a_runtime_symbol() {
        for op in [
            "exp",
            "exp2",
            "expm1",
            "log",
            "log2",
            "log10",
            "log1p",
            "cbrt",
            "sin",
            "cos",
            "tan",
            "asin",
            "acos",
            "atan",
            "sinh",
            "cosh",
            "tanh",
            "asinh",
            "acosh",
            "atanh",
            "erf",
            "atan2",
            "round",
            "roundeven",
            "powf",
        ] {
            for f32 in [true, false] {
                let name = libm_name(&format!("math.{op}"), f32).unwrap();
                assert!(symbol_address(&name).is_some(), "{name}");
            }
        }
        assert_eq!(libm_name("math.sqrt", true), None, "sqrt is an instruction");
    }

    #[test]
    fn malloc_is_cache_line_aligned() {
        let p = malloc(100);
        assert!(!p.is_null());
        assert_eq!(p as usize % 64, 0);
        free(p);
    }

    #[test]
    fn calloc_zeroes_and_refuses_overflow() {
        let p = calloc(10, 4);
        assert_eq!(p as usize % 64, 0);
        // SAFETY: calloc returned 40 readable bytes.
        let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), 40) };
        assert!(bytes.iter().all(|&b| b == 0));
        free(p);
        assert!(calloc(usize::MAX, 2).is_null());
    }
}
