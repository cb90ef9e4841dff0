//! Reading and writing NumPy `.npy` files as interpreter [`Tensor`]s.
//!
//! Supported: format versions 1.0, 2.0 and 3.0; dtypes `<f4`, `<f8`, `<i4`,
//! `<i8` and `|b1` (the element types of the `graph` dialect); C order, and
//! Fortran order on reading (transposed into C order). Big-endian and every
//! other dtype are refused with a message naming the dtype.
//!
//! The header is a small Python dict literal; it is parsed here by hand
//! (a few dozen lines) so that every malformed, truncated or hostile input
//! gives an [`NpyError`] saying what is wrong and where, never a panic, and
//! so that a header claiming an absurd shape is refused before allocating.
//! Files are written atomically: to a temporary file in the same directory,
//! then renamed over the destination.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use tessera_dialects::interp::kernels::{checked_num_elements, transpose};
use tessera_dialects::interp::value::{ElemType, Tensor};

const MAGIC: &[u8] = b"\x93NUMPY";

/// Why a `.npy` file could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyError {
    /// The file, when the error concerns one.
    pub path: Option<PathBuf>,
    /// What is wrong, with byte offsets where they help.
    pub message: String,
}

impl NpyError {
    fn new(message: impl Into<String>) -> NpyError {
        NpyError {
            path: None,
            message: message.into(),
        }
    }

    fn at(mut self, path: &Path) -> NpyError {
        self.path = Some(path.to_path_buf());
        self
    }
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {}", p.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for NpyError {}

/// Reads the `.npy` file at `path`.
pub fn read_npy(path: &Path) -> Result<Tensor, NpyError> {
    let bytes =
        std::fs::read(path).map_err(|e| NpyError::new(format!("cannot read: {e}")).at(path))?;
    parse_npy(&bytes).map_err(|e| e.at(path))
}

/// Writes `t` to `path` as a `.npy` file, atomically: the data goes to a
/// temporary file in the same directory, which then replaces `path`.
pub fn write_npy(path: &Path, t: &Tensor) -> Result<(), NpyError> {
    let fail = |what: &str, e: std::io::Error| {
        NpyError::new(format!("cannot write: {what}: {e}")).at(path)
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tessera-npy-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail("creating a temporary file", e))?;
    tmp.write_all(&encode_npy(t))
        .map_err(|e| fail("writing", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("syncing", e))?;
    tmp.persist(path)
        .map_err(|e| fail("renaming into place", e.error))?;
    Ok(())
}

/// The `.npy` dtype string of an element type.
pub fn dtype_of(elem: ElemType) -> &'static str {
    match elem {
        ElemType::F32 => "<f4",
        ElemType::F64 => "<f8",
        ElemType::I1 => "|b1",
        ElemType::I32 => "<i4",
        ElemType::I64 => "<i8",
    }
}

/// The `.npy` bytes of `t` (format 1.0, or 2.0 if the header needs it), in
/// C order, with the header padded so the data starts 64-byte aligned.
pub fn encode_npy(t: &Tensor) -> Vec<u8> {
    let shape = match t.shape() {
        [] => "()".to_string(),
        [d] => format!("({d},)"),
        dims => {
            let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}",
        dtype_of(t.elem_type())
    );
    // Preamble: magic (6) + version (2) + length (2 in v1.0, 4 in v2.0).
    let v1 = header.len() + 1 + 10 <= u16::MAX as usize;
    let preamble = if v1 { 10 } else { 12 };
    let total = (preamble + header.len() + 1).div_ceil(64) * 64;
    header.push_str(&" ".repeat(total - preamble - header.len() - 1));
    header.push('\n');
    let data = t.to_le_bytes();
    let mut out = Vec::with_capacity(total + data.len());
    out.extend_from_slice(MAGIC);
    if v1 {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&[2, 0]);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&data);
    out
}

/// Parses the bytes of a `.npy` file.
pub fn parse_npy(bytes: &[u8]) -> Result<Tensor, NpyError> {
    let prefix = &bytes[..bytes.len().min(MAGIC.len())];
    if prefix != &MAGIC[..prefix.len()] {
        return Err(NpyError::new(
            "not a .npy file: it does not start with \"\\x93NUMPY\"",
        ));
    }
    if bytes.len() < 10 {
        return Err(NpyError::new(format!(
            "truncated header: the file has {} bytes, fewer than the 10-byte preamble",
            bytes.len()
        )));
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let (header_len, start) = match (major, minor) {
        (1, 0) => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        (2, 0) | (3, 0) => {
            if bytes.len() < 12 {
                return Err(NpyError::new(format!(
                    "truncated header: the file has {} bytes, fewer than the 12-byte preamble of version {major}.0",
                    bytes.len()
                )));
            }
            let n = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
            (usize::try_from(n).unwrap_or(usize::MAX), 12)
        }
        _ => {
            return Err(NpyError::new(format!(
                "unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"
            )));
        }
    };
    let available = bytes.len() - start;
    if header_len > available {
        return Err(NpyError::new(format!(
            "truncated header: expected {header_len} bytes, found {available}"
        )));
    }
    let raw = &bytes[start..start + header_len];
    // Versions 1 and 2 use latin-1 headers; NumPy only writes ASCII there.
    if major < 3
        && let Some(pos) = raw.iter().position(|&b| !b.is_ascii())
    {
        return Err(NpyError::new(format!(
            "header at byte {}: non-ASCII byte {:#04x} in a version {major}.0 header",
            start + pos,
            raw[pos]
        )));
    }
    let text = std::str::from_utf8(raw).map_err(|e| {
        NpyError::new(format!(
            "header at byte {}: invalid UTF-8",
            start + e.valid_up_to()
        ))
    })?;
    let header = parse_header(text, start)?;
    let elem = elem_of(&header.descr)?;
    let n = checked_num_elements("npy", &header.shape)
        .map_err(|_| NpyError::new(format!("shape {:?} is too large", header.shape)))?;
    let data = &bytes[start + header_len..];
    let expected = n
        .checked_mul(elem.byte_width())
        .ok_or_else(|| NpyError::new(format!("shape {:?} is too large", header.shape)))?;
    if data.len() < expected {
        return Err(NpyError::new(format!(
            "truncated data: expected {expected} bytes, found {}",
            data.len()
        )));
    }
    if data.len() > expected {
        return Err(NpyError::new(format!(
            "unexpected trailing data: expected {expected} bytes after the header, found {}",
            data.len()
        )));
    }
    let invalid = |e: tessera_dialects::interp::kernels::KernelError| {
        NpyError::new(format!("invalid data: {}", e.message))
    };
    if !header.fortran_order {
        return Tensor::from_le_bytes(elem, &header.shape, data).map_err(invalid);
    }
    // Fortran order is C order of the reversed shape; transpose it back.
    let reversed: Vec<usize> = header.shape.iter().rev().copied().collect();
    let t = Tensor::from_le_bytes(elem, &reversed, data).map_err(invalid)?;
    let perm: Vec<i64> = (0..reversed.len() as i64).rev().collect();
    transpose(&t, &perm).map_err(invalid)
}

fn elem_of(descr: &str) -> Result<ElemType, NpyError> {
    Ok(match descr {
        "<f4" => ElemType::F32,
        "<f8" => ElemType::F64,
        "<i4" => ElemType::I32,
        "<i8" => ElemType::I64,
        "|b1" => ElemType::I1,
        d if d.starts_with('>') => {
            return Err(NpyError::new(format!(
                "unsupported dtype '{d}' (big-endian; save the array as '<{}')",
                &d[1..]
            )));
        }
        d => {
            return Err(NpyError::new(format!(
                "unsupported dtype '{d}' (supported: '<f4', '<f8', '<i4', '<i8', '|b1')"
            )));
        }
    })
}

/// The three keys of a `.npy` header.
struct Header {
    descr: String,
    fortran_order: bool,
    shape: Vec<usize>,
}

/// A value of the Python-literal subset that headers use.
enum Lit {
    Str(String),
    Bool(bool),
    Int(u64),
    Seq(Vec<Lit>),
    Dict,
}

impl Lit {
    fn kind(&self) -> &'static str {
        match self {
            Lit::Str(_) => "a string",
            Lit::Bool(_) => "a boolean",
            Lit::Int(_) => "an integer",
            Lit::Seq(_) => "a tuple or list",
            Lit::Dict => "a dict",
        }
    }
}

/// A recursive-descent parser over the header text; `base` is the header's
/// byte offset in the file, so errors point into the file.
struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, msg: impl fmt::Display) -> NpyError {
        NpyError::new(format!("header at byte {}: {msg}", self.base + self.pos))
    }

    fn skip_ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.get(self.pos).copied()
    }

    fn found(&mut self) -> String {
        match self.peek() {
            Some(c) if c.is_ascii_graphic() => format!("'{}'", c as char),
            Some(c) => format!("byte {c:#04x}"),
            None => "the end of the header".to_string(),
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), NpyError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            let found = self.found();
            Err(self.err(format!("expected '{}', found {found}", c as char)))
        }
    }

    fn value(&mut self) -> Result<Lit, NpyError> {
        // Bound nesting so a hostile header cannot overflow the stack.
        if self.depth > 32 {
            return Err(self.err("nesting too deep"));
        }
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => self.string(q).map(Lit::Str),
            Some(b'(') => self.seq(b')').map(Lit::Seq),
            Some(b'[') => self.seq(b']').map(Lit::Seq),
            Some(b'{') => {
                self.depth += 1;
                self.dict(|_, _, _| Ok(()))?;
                self.depth -= 1;
                Ok(Lit::Dict)
            }
            Some(c) if c.is_ascii_digit() => self.int().map(Lit::Int),
            Some(b'-') => Err(self.err("negative numbers are not valid here")),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.pos < self.text.len() && self.text[self.pos].is_ascii_alphanumeric() {
                    self.pos += 1;
                }
                match &self.text[start..self.pos] {
                    b"True" => Ok(Lit::Bool(true)),
                    b"False" => Ok(Lit::Bool(false)),
                    w => {
                        let w = String::from_utf8_lossy(w).into_owned();
                        self.pos = start;
                        Err(self.err(format!("unexpected word '{w}'")))
                    }
                }
            }
            _ => {
                let found = self.found();
                Err(self.err(format!("expected a value, found {found}")))
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, NpyError> {
        self.pos += 1;
        let start = self.pos;
        while self.pos < self.text.len() && self.text[self.pos] != quote {
            if self.text[self.pos] == b'\\' {
                return Err(self.err("escapes in strings are not supported"));
            }
            self.pos += 1;
        }
        if self.pos >= self.text.len() {
            return Err(self.err("unterminated string"));
        }
        let s = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        self.pos += 1;
        Ok(s)
    }

    fn int(&mut self) -> Result<u64, NpyError> {
        let start = self.pos;
        let mut v: u64 = 0;
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_digit() {
            let d = u64::from(self.text[self.pos] - b'0');
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(d))
                .ok_or_else(|| self.err("integer too large"))?;
            self.pos += 1;
        }
        // Python 2 wrote long integers with an `L` suffix.
        if self.text.get(self.pos) == Some(&b'L') {
            self.pos += 1;
        }
        debug_assert!(self.pos > start);
        Ok(v)
    }

    fn seq(&mut self, close: u8) -> Result<Vec<Lit>, NpyError> {
        self.depth += 1;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            if self.peek() == Some(close) {
                self.pos += 1;
                break;
            }
            items.push(self.value()?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => {
                    let found = self.found();
                    return Err(self.err(format!(
                        "expected ',' or '{}', found {found}",
                        close as char
                    )));
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    /// Parses `{ 'key': value, ... }`, calling `entry` for each pair.
    fn dict(
        &mut self,
        mut entry: impl FnMut(&Self, String, Lit) -> Result<(), NpyError>,
    ) -> Result<(), NpyError> {
        self.expect(b'{')?;
        loop {
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(q @ (b'\'' | b'"')) => {
                    let key = self.string(q)?;
                    self.expect(b':')?;
                    let v = self.value()?;
                    entry(self, key, v)?;
                }
                _ => {
                    let found = self.found();
                    return Err(self.err(format!("expected a quoted key or '}}', found {found}")));
                }
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => {
                    let found = self.found();
                    return Err(self.err(format!("expected ',' or '}}', found {found}")));
                }
            }
        }
    }
}

fn parse_header(text: &str, base: usize) -> Result<Header, NpyError> {
    let mut p = Parser {
        text: text.as_bytes(),
        pos: 0,
        base,
        depth: 0,
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    p.dict(|p, key, v| {
        let wrong = |what: &str| p.err(format!("'{key}' must be {what}, found {}", v.kind()));
        match key.as_str() {
            "descr" => match v {
                Lit::Str(s) => descr = Some(s),
                Lit::Seq(_) => {
                    return Err(p.err("unsupported dtype: structured arrays are not tensors"));
                }
                _ => return Err(wrong("a string")),
            },
            "fortran_order" => match v {
                Lit::Bool(b) => fortran = Some(b),
                _ => return Err(wrong("True or False")),
            },
            "shape" => match v {
                Lit::Seq(items) => {
                    let mut dims = Vec::with_capacity(items.len());
                    for it in items {
                        match it {
                            Lit::Int(d) => dims.push(
                                usize::try_from(d)
                                    .map_err(|_| p.err(format!("dimension {d} is too large")))?,
                            ),
                            other => {
                                return Err(p.err(format!(
                                    "'shape' entries must be integers, found {}",
                                    other.kind()
                                )));
                            }
                        }
                    }
                    shape = Some(dims);
                }
                _ => return Err(wrong("a tuple")),
            },
            other => return Err(p.err(format!("unexpected key '{other}'"))),
        }
        Ok(())
    })?;
    if p.peek().is_some() {
        let found = p.found();
        return Err(p.err(format!("unexpected {found} after the header dict")));
    }
    let missing = |k: &str| NpyError::new(format!("header is missing the '{k}' key"));
    Ok(Header {
        descr: descr.ok_or_else(|| missing("descr"))?,
        fortran_order: fortran.ok_or_else(|| missing("fortran_order"))?,
        shape: shape.ok_or_else(|| missing("shape"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(version: u8, header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[version, 0]);
        if version == 1 {
            out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn sample_tensors() -> Vec<Tensor> {
        vec![
            Tensor::from_f64s(ElemType::F32, &[2, 3], &[1.0, -2.5, 3.0, 4.0, 5.0, 6.5]).unwrap(),
            Tensor::from_f64s(ElemType::F64, &[], &[std::f64::consts::PI]).unwrap(),
            Tensor::from_i64s(ElemType::I32, &[3], &[1, -2, i32::MAX as i64]).unwrap(),
            Tensor::from_i64s(ElemType::I64, &[1, 0, 2], &[]).unwrap(),
            Tensor::from_i64s(ElemType::I1, &[2, 2], &[1, 0, 0, 1]).unwrap(),
        ]
    }

    #[test]
    fn round_trip_in_memory() {
        for t in sample_tensors() {
            let bytes = encode_npy(&t);
            let header_end = 10 + u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
            assert_eq!(header_end % 64, 0, "data must start aligned");
            assert_eq!(parse_npy(&bytes).unwrap(), t);
        }
    }

    #[test]
    fn round_trip_on_disk_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.npy");
        let t = sample_tensors().remove(0);
        write_npy(&path, &t).unwrap();
        write_npy(&path, &t).unwrap();
        assert_eq!(read_npy(&path).unwrap(), t);
        // Only the destination is left behind, no temporary files.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let e = write_npy(&dir.path().join("missing/x.npy"), &t).unwrap_err();
        assert!(e.to_string().contains("missing/x.npy: cannot write"), "{e}");
        let e = read_npy(&dir.path().join("nope.npy")).unwrap_err();
        assert!(e.to_string().contains("nope.npy: cannot read"), "{e}");
    }

    #[test]
    fn versions_and_fortran_order() {
        let data: Vec<u8> = [1i32, 2, 3, 4, 5, 6]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let c = Tensor::from_i64s(ElemType::I32, &[2, 3], &[1, 2, 3, 4, 5, 6]).unwrap();
        for v in [1, 2, 3] {
            let h = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }\n";
            assert_eq!(parse_npy(&npy(v, h, &data)).unwrap(), c);
        }
        // Column-major: memory holds columns [1,2], [3,4], [5,6].
        let h = "{\"shape\": (2L, 3L), \"fortran_order\": True, \"descr\": \"<i4\"}";
        let f = Tensor::from_i64s(ElemType::I32, &[2, 3], &[1, 3, 5, 2, 4, 6]).unwrap();
        assert_eq!(parse_npy(&npy(1, h, &data)).unwrap(), f);
    }

    fn err(bytes: &[u8]) -> String {
        parse_npy(bytes).unwrap_err().to_string()
    }

    #[test]
    fn clear_errors() {
        let ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
        assert!(err(&npy(1, ok, &[0; 10])).contains("truncated data: expected 24 bytes, found 10"));
        assert!(err(&npy(1, ok, &[0; 30])).contains("trailing data"));
        let be = "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }";
        assert!(err(&npy(1, be, &[0; 12])).contains("unsupported dtype '>f4' (big-endian"));
        let u8s = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
        assert!(err(&npy(1, u8s, &[0; 3])).contains("unsupported dtype '|u1'"));
        let structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }";
        assert!(err(&npy(1, structured, &[])).contains("structured"));
        let neg = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }";
        assert!(err(&npy(1, neg, &[])).contains("header at byte"));
        let huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }";
        assert!(err(&npy(1, huge, &[])).contains("too large"));
        let missing = "{'descr': '<f4', 'shape': (3,)}";
        assert!(err(&npy(1, missing, &[])).contains("missing the 'fortran_order' key"));
        let extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}";
        assert!(err(&npy(1, extra, &[])).contains("unexpected key 'x'"));
        let bools = "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }";
        assert!(err(&npy(1, bools, &[1, 2])).contains("invalid data"));
        assert!(err(b"PK\x03\x04").contains("not a .npy file"));
        assert!(err(b"\x93NUMPY\x01").contains("truncated header"));
        assert!(err(b"\x93NUMPY\x04\x00\x00\x00").contains("version 4.0"));
        assert!(
            err(b"\x93NUMPY\x01\x00\xff\x00{}")
                .contains("truncated header: expected 255 bytes, found 2")
        );
        let deep = format!("{{'descr': {}", "(".repeat(100));
        assert!(err(&npy(1, &deep, &[])).contains("nesting too deep"));
    }

    /// A small xorshift generator, so the fuzz test needs no dependency.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_and_truncated_bytes_never_panic() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for t in sample_tensors() {
            let good = encode_npy(&t);
            // Every prefix fails cleanly (the full file parses).
            for len in 0..good.len() {
                assert!(
                    parse_npy(&good[..len]).is_err(),
                    "prefix {len} of a valid file parsed"
                );
            }
            // Random corruptions of a valid file.
            for _ in 0..2000 {
                let mut b = good.clone();
                for _ in 0..1 + next(&mut seed) % 4 {
                    let i = (next(&mut seed) as usize) % b.len();
                    b[i] = next(&mut seed) as u8;
                }
                let _ = parse_npy(&b);
            }
        }
        // Pure noise, with and without the magic.
        for i in 0..2000 {
            let len = (next(&mut seed) % 200) as usize;
            let mut b: Vec<u8> = (0..len).map(|_| next(&mut seed) as u8).collect();
            if i % 2 == 0 && b.len() >= 8 {
                b[..6].copy_from_slice(MAGIC);
                b[6] = 1 + (i % 3) as u8;
                b[7] = 0;
            }
            let _ = parse_npy(&b);
        }
    }
}
