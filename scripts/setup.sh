#!/usr/bin/env bash
# Installs what building and testing Tessera needs on a Debian 12 machine with
# Rust: LLVM/MLIR 19 (inkwell's llvm-sys, FileCheck, mlir-opt-19) and the
# rustfmt and clippy components. Idempotent: only missing pieces are installed,
# and a machine that has everything is left untouched. Prints one line.
set -euo pipefail

packages=(llvm-19-dev libpolly-19-dev libzstd-dev mlir-19-tools llvm-19-tools libmlir-19)
components=(rustfmt clippy)
done_what=()

# Runs a command as root: directly when root, else through sudo when it exists.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    # env, because sudo drops DEBIAN_FRONTEND from the environment.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    done_what+=("installed ${missing[*]}")
fi

if command -v rustup >/dev/null 2>&1; then
    installed=$(rustup component list --installed 2>/dev/null || true)
    for comp in "${components[@]}"; do
        if ! grep -q "^${comp}-" <<<"$installed"; then
            if ! out=$(rustup component add "$comp" 2>&1); then
                echo "setup: could not add the rustup component $comp:" >&2
                echo "$out" >&2
                exit 1
            fi
            done_what+=("added rustup component $comp")
        fi
    done
else
    for comp in "${components[@]}"; do
        command -v "cargo-${comp/rustfmt/fmt}" >/dev/null 2>&1 ||
            echo "setup: warning: $comp is missing and rustup is not available" >&2
    done
fi

if [ "${#done_what[@]}" -eq 0 ]; then
    echo "setup: nothing to do (LLVM 19 packages, rustfmt and clippy already present)"
else
    summary=$(printf '%s; ' "${done_what[@]}")
    echo "setup: ${summary%; }"
fi
