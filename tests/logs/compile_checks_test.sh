#!/bin/bash
# The compile-time checks of bpf/include/bpfwarden/log.h: each bad call
# below must fail to compile with its message; the good one must compile.
set -u
root="${TEST_SRCDIR}/${TEST_WORKSPACE}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
failures=0

compile() {  # body -> clang's exit status, its stderr in $dir/err
  cat > "$dir/t.bpf.c" <<SRC
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf/include/bpfwarden/log.h"
struct pair { int a, b; };
SEC("syscall") int p(void* ctx) {
  __u8 v4[4] = {}; __u8 mac[6] = {}; char s[8] = ""; struct pair pr = {};
  __u32 words[2] = {};
  (void)v4; (void)mac; (void)s; (void)pr; (void)words;
  $1;
  return 0;
}
SRC
  clang -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_x86 \
    -I"/usr/include/$(gcc -print-multiarch)" -I"$root" \
    -c "$dir/t.bpf.c" -o "$dir/t.o" 2> "$dir/err"
}

expect_error() {  # body, message
  if compile "$1"; then
    echo "FAIL: compiled: $1"; failures=$((failures + 1))
  elif ! grep -qF "$2" "$dir/err"; then
    echo "FAIL: $1: no '$2' in:"; tail -3 "$dir/err"; failures=$((failures + 1))
  else
    echo "ok: $1 -> $2"
  fi
}

if ! compile 'BW_WARN(ctx, "{:i} {:mac} {} {:x} {:X} {:p} {{}}", v4, mac, s, 1u, 2ull, ctx)'; then
  echo "FAIL: a good call does not compile:"; cat "$dir/err"; failures=$((failures + 1))
fi
# Fields of a const struct (what a map lookup often returns).
if ! compile 'const struct { __u32 id; __u8 addr[16]; char cc[16]; } *r = ctx; BW_WARN(ctx, "cc {} for {:i}, rule {}", r->cc, r->addr, r->id)'; then
  echo "FAIL: const fields do not compile:"; cat "$dir/err"; failures=$((failures + 1))
fi
expect_error 'BW_WARN(ctx, "peer {:i}", 7u)' "placeholder 1 is missing, or its hint does not fit"
expect_error 'BW_WARN(ctx, "{} {:mac}", 1, v4)' "placeholder 2 is missing, or its hint does not fit"
expect_error 'BW_WARN(ctx, "{:q}", 1)' "placeholder 1 is missing, or its hint does not fit"
expect_error 'BW_WARN(ctx, "{} {}", 1, 2, 3)' "placeholder 3 is missing"
expect_error 'BW_WARN(ctx, "{} {}", 1)' "more placeholders than arguments"
expect_error 'BW_WARN(ctx, "{}", words)' "unsupported type"
expect_error 'BW_WARN(ctx, "{}", pr)' "error:"  # a struct: not even an operand
expect_error 'BW_WARN(ctx, "{:p}", 5)' "placeholder 1 is missing, or its hint does not fit"
exit "$failures"
