// Programs that log with bpf/include/bpfwarden/log.h, run by the log tests
// with BPF_PROG_TEST_RUN: every hint and type at known values, one record
// per level, and a flood bigger than the ring. Raw tracepoint programs
// (never attached), since BPF_PROG_TEST_RUN runs those from Linux 5.10 on,
// while syscall programs only came with 5.14 (syscall_log.bpf.c has one).
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#define BW_LOG_RING_BYTES 4096
#include "bpf/include/bpfwarden/log.h"

// How many records log_flood tried to emit, in total.
__u64 flood_emitted = 0;

SEC("raw_tp")
int log_hints(void* ctx) {
  __u8 v4[4] = {192, 0, 2, 1};
  __u8 v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  __u8 mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
  __u8 mac[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbc, 0xde};
  char name[16] = "cubic";
  BW_INFO(ctx, "u8 {} u16 {} u32 {} u64 {}", (__u8)255, (__u16)65535,
          (__u32)4294967295u, (__u64)18446744073709551615ull);
  BW_INFO(ctx, "i8 {} {} i16 {} {}", (__s8)-128, (__s8)127, (__s16)-32768,
          (__s16)32767);
  BW_INFO(ctx, "i32 {} {} i64 {} {}", (__s32)-2147483648, (__s32)2147483647,
          (__s64)(-9223372036854775807ll - 1), (__s64)9223372036854775807ll);
  BW_INFO(ctx, "hex {:x} {:X} {:x}", (__u32)0xbeef, (__u64)0xdeadbeefcafeull,
          (__u8)0x0f);
  BW_INFO(ctx, "ip {:i} {:i} {:i}", v4, v6, mapped);
  BW_INFO(ctx, "mac {:mac} {:MAC}", mac, mac);
  BW_INFO(ctx, "str {} {{literal}}", name);
  BW_INFO(ctx, "ptr {:p}", (void*)0xffff888012345678ull);
  return 0;
}

SEC("raw_tp")
int log_levels(void* ctx) {
  BW_ERROR(ctx, "level error {}", 1);
  BW_WARN(ctx, "level warn {}", 2);
  BW_INFO(ctx, "level info {}", 3);
  BW_DEBUG(ctx, "level debug {}", 4);
  BW_TRACE(ctx, "level trace {}", 5);
  return 0;
}

// 1024 records of 16 bytes (plus the ring's 8-byte headers) into a 4 KiB
// ring: most are dropped.
SEC("raw_tp")
int log_flood(void* ctx) {
  for (__u32 i = 0; i < 1024; i++) {
    BW_WARN(ctx, "flood {} {}", i, (__u64)i * 3);
    __sync_fetch_and_add(&flood_emitted, 1);
  }
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
