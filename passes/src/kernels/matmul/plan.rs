//! The schedule's parameters for one problem size: register tile, cache
//! blocks, what is packed. Pure arithmetic, so it is tested on its own.
//!
//! The defaults are for the target machine (AMD Zen 3, one core: AVX2 and
//! FMA, 16 `ymm` registers, 32 KiB L1d, 512 KiB L2):
//!
//! - `MR x NR = 6 x 16`: 12 accumulators of `vector<8xf32>`, plus two `B`
//!   vectors and one broadcast `A` element, is 15 of the 16 registers;
//!   each `k` step does 12 FMAs for 2 vector loads and 6 broadcasts, which
//!   the two FMA pipes and the load ports sustain, and 12 independent
//!   chains hide the FMA latency (4 cycles x 2 pipes = 8 needed).
//! - `KC = 256`: the `B` micro-panel one micro-kernel call reads (`KC x
//!   NR`, 16 KiB) stays in L1 while the call's `A` micro-panel (`MR x KC`,
//!   6 KiB) streams past it, for every `MR`-row tile of the `A` block.
//! - `MC = 120`: a packed `A` block (`MC x KC`, 120 KiB) and the block of
//!   `C` it updates (`MC x NC`, 240 KiB at `NC = 512`) stay in L2 across
//!   the K blocks.
//! - `NC`: the packed `B` block holds all of K for its columns (`K x NC`),
//!   at most [`B_BLOCK_BYTES`] (2 MiB: `NC = 512` at `K = 1024`), read from
//!   L2/L3 once per `A` block; the `nc` option caps it further.
//!
//! Blocks are balanced: a dimension is cut into as few blocks as the
//! limit allows, all about the same size (rounded up to the register
//! tile), so that no small remainder block runs at low efficiency.
//! K blocks are multiples of the vector width (see `emit::pack_a`).

/// The lanes of a `vector<8xf32>` (one AVX2 register).
pub const LANES: i64 = 8;

/// The operand size (A, B and C together) above which [`Packing::Auto`]
/// packs: between the 160- and 192-cubed problems.
pub const PACK_ABOVE_BYTES: i64 = 384 << 10;

/// The most bytes a packed `B` block (`K x NC`) takes; it is read from
/// L3 (or L2) once per `A` block.
pub const B_BLOCK_BYTES: i64 = 2 << 20;

/// Which operands are copied into contiguous panels.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Packing {
    /// Decided from the problem size (see [`plan`]).
    Auto,
    /// Nothing: the micro-kernel reads `A` and `B` where they are.
    None,
    /// `B` only.
    B,
    /// `A` and `B`.
    AB,
}

impl Packing {
    /// Parses the `packing` option.
    pub fn parse(s: &str) -> Option<Packing> {
        Some(match s {
            "auto" => Packing::Auto,
            "none" => Packing::None,
            "b" => Packing::B,
            "ab" => Packing::AB,
            _ => return None,
        })
    }
}

/// The options of the schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Rows of the register tile.
    pub mr: i64,
    /// Columns of the register tile (a multiple of [`LANES`]).
    pub nr: i64,
    /// Largest `A` block rows.
    pub mc: i64,
    /// Largest `K` block.
    pub kc: i64,
    /// Largest `B` block columns.
    pub nc: i64,
    /// Matmuls with fewer rows stay plain nests: a matrix-vector product
    /// (batch 1 of a dense layer) reads each element of `B` once either
    /// way, so packing `B` only adds a copy, while LLVM vectorizes the
    /// plain `i, k, j` nest along `j` (the MLP example: 70 µs plain, 190 µs
    /// scheduled).
    pub min_rows: i64,
    /// What to pack.
    pub packing: Packing,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mr: 6,
            nr: 16,
            mc: 120,
            kc: 256,
            nc: 4096,
            min_rows: 4,
            packing: Packing::Auto,
        }
    }
}

impl Config {
    /// Checks the options, saying what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=16).contains(&self.mr) {
            return Err(format!("mr must be in 1..=16, got {}", self.mr));
        }
        if self.nr < LANES || self.nr % LANES != 0 || self.nr > 64 {
            return Err(format!(
                "nr must be a multiple of {LANES} in {LANES}..=64, got {}",
                self.nr
            ));
        }
        for (name, v) in [("mc", self.mc), ("kc", self.kc), ("nc", self.nc)] {
            if v < 1 {
                return Err(format!("{name} must be positive, got {v}"));
            }
        }
        Ok(())
    }
}

/// The schedule of one `M x N x K` problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Register tile rows.
    pub mr: i64,
    /// Register tile columns.
    pub nr: i64,
    /// Rows covered by whole register tiles (`M` rounded down to `mr`).
    pub m_full: i64,
    /// Columns covered by whole register tiles (`N` rounded down to `nr`).
    pub n_full: i64,
    /// Whether `A` blocks are packed.
    pub pack_a: bool,
    /// Whether `B` blocks are packed.
    pub pack_b: bool,
    /// `A` block rows (a multiple of `mr`).
    pub mc: i64,
    /// `K` block length (`K` itself when nothing is packed).
    pub kc: i64,
    /// `B` block columns (a multiple of `nr`).
    pub nc: i64,
}

/// `total` cut into blocks of at most `limit` (but at least `unit`), all
/// the same multiple of `unit` but the last, which may be shorter.
pub fn balanced_block(total: i64, limit: i64, unit: i64) -> i64 {
    if total <= 0 {
        return unit;
    }
    let limit = limit.max(unit);
    let blocks = (total + limit - 1) / limit;
    let per = (total + blocks - 1) / blocks;
    (per + unit - 1) / unit * unit
}

/// Whether packing pays for `M x N x K`: when the three operands take
/// more than [`PACK_ABOVE_BYTES`]. Below, they stay in L2 and the copies
/// are overhead; above, `B`'s rows (`4 * N` bytes apart) and `A`'s keep
/// missing. Measured on the development machine (GFLOP/s, unpacked vs
/// packed): 64: 121 vs 104, 96: 126 vs 112, 128: 111 vs 113, 160: 121 vs
/// 116, 192: 117 vs 114, 256: 110 vs 115, 384: 110 vs 116.
fn packing_pays(m: i64, n: i64, k: i64) -> bool {
    4 * (m * k + k * n + m * n) > PACK_ABOVE_BYTES
}

/// The schedule for `M x N x K` under `cfg`.
pub fn plan(cfg: &Config, m: i64, n: i64, k: i64) -> Plan {
    let (mr, nr) = (cfg.mr, cfg.nr);
    let m_full = m / mr * mr;
    let n_full = n / nr * nr;
    let (pack_a, pack_b) = match cfg.packing {
        Packing::None => (false, false),
        Packing::B => (false, true),
        Packing::AB => (true, true),
        Packing::Auto => {
            let pays = packing_pays(m, n, k);
            (pays, pays)
        }
    };
    // Without packing the whole K range stays in the accumulators, which
    // saves reloading C; with it, K is cut so the panels stay in L1.
    // K blocks are multiples of the vector width, so that packing A in
    // vectors only ever reads past the end of A's rows (padded), never
    // into the next block.
    let kc = if pack_b {
        balanced_block(k, cfg.kc, LANES)
    } else {
        k
    };
    // The packed B block holds all of K for its columns.
    let nc_limit = cfg.nc.min(B_BLOCK_BYTES / (4 * k.max(1)));
    Plan {
        mr,
        nr,
        m_full,
        n_full,
        pack_a,
        pack_b,
        mc: balanced_block(m_full, cfg.mc, mr),
        kc,
        nc: balanced_block(n_full, nc_limit, nr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_balanced_multiples_of_the_unit() {
        assert_eq!(balanced_block(1024, 256, 1), 256);
        assert_eq!(balanced_block(260, 256, 1), 130);
        assert_eq!(balanced_block(1020, 120, 6), 114);
        assert_eq!(balanced_block(60, 120, 6), 60);
        assert_eq!(balanced_block(0, 120, 6), 6);
    }

    #[test]
    fn small_problems_are_not_packed_and_keep_k_whole() {
        let p = plan(&Config::default(), 64, 64, 64);
        assert!(!p.pack_a && !p.pack_b);
        assert_eq!((p.m_full, p.n_full, p.kc), (60, 64, 64));
    }

    #[test]
    fn large_problems_are_packed_and_blocked() {
        let p = plan(&Config::default(), 1024, 1024, 1024);
        assert!(p.pack_a && p.pack_b);
        assert_eq!((p.m_full, p.n_full), (1020, 1024));
        assert_eq!((p.mc, p.kc, p.nc), (114, 256, 512));
    }

    #[test]
    fn options_are_checked() {
        let bad = Config {
            nr: 12,
            ..Config::default()
        };
        assert!(bad.validate().unwrap_err().contains("nr"));
        assert!(Config::default().validate().is_ok());
    }
}
