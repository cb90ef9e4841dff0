# Sourced by the scripts that run cargo. Cargo probes rustc with
# `rustc -` and stdin opened on /dev/null; build scripts of dependencies send
# their probe compilers' stderr there too. On a machine where /dev/null has
# become a regular file, the second cargo command of a run then feeds the
# first one's error text to rustc as a program, and fails (CI failed this
# way: "failed to run `rustc` to learn about target-specific information").

# Makes /dev/null a character device again when it is not, or, where that is
# not allowed, at least empty. Call it before each cargo command.
ensure_dev_null() {
    [ -c /dev/null ] && return 0
    if [ "$(id -u)" -eq 0 ] && rm -f /dev/null && mknod -m 666 /dev/null c 1 3; then
        echo "note: /dev/null was not a device; recreated it" >&2
        return 0
    fi
    if [ -f /dev/null ] && [ -w /dev/null ]; then
        : >/dev/null
    fi
}
