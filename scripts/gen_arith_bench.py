#!/usr/bin/env python3
"""Writes a function of N `arith` ops with repeated subexpressions, for the
canonicalize + cse benchmark (tensor-opt vs mlir-opt-19). Deterministic.

    python3 scripts/gen_arith_bench.py 100000 > /tmp/arith100k.mlir

About a quarter of the ops repeat an earlier expression exactly (for cse),
and the integer half mixes in `+ 0` and `* 1` and constant operands (for
canonicalize's folds). Operands come mostly from recent values, so nearly
everything is live, as in real programs.
"""

import random
import sys


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(7)
    out = ["func.func @bench(%a: f32, %b: f32, %i: i64, %j: i64) -> (f32, i64) {"]
    out.append("  %c0 = arith.constant 0 : i64")
    out.append("  %c1 = arith.constant 1 : i64")
    out.append("  %c3 = arith.constant 3 : i64")
    out.append("  %f2 = arith.constant 2.5 : f32")
    floats = ["%a", "%b", "%f2"]
    ints = ["%i", "%j", "%c3"]
    seen = []  # (is_float, text-after-'=')
    for k in range(n):
        name = f"%v{k}"
        if seen and rng.random() < 0.25:
            is_float, rhs = rng.choice(seen[-2000:])
        else:
            is_float = rng.random() < 0.5
            pool = floats if is_float else ints
            x = pool[-1 - min(len(pool) - 1, int(rng.expovariate(1 / 8)))]
            y = pool[-1 - min(len(pool) - 1, int(rng.expovariate(1 / 8)))]
            if is_float:
                op = rng.choice(["addf", "mulf", "subf"])
                rhs = f"arith.{op} {x}, {y} : f32"
            else:
                r = rng.random()
                if r < 0.1:
                    y = "%c0"
                    op = "addi"
                elif r < 0.2:
                    y = "%c1"
                    op = "muli"
                else:
                    op = rng.choice(["addi", "muli"])
                rhs = f"arith.{op} {x}, {y} : i64"
            seen.append((is_float, rhs))
        out.append(f"  {name} = {rhs}")
        (floats if is_float else ints).append(name)
    out.append(f"  func.return {floats[-1]}, {ints[-1]} : f32, i64")
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
