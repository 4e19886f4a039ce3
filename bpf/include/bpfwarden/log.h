// Logging from BPF programs, with display hints (the aya-log idea, for C).
//
//   #include "bpf/include/bpfwarden/log.h"
//   BW_WARN(skops, "cc {} refused for {:i} port {}, rule {}", cc, peer,
//           port, rule_id);
//
// Levels: BW_ERROR, BW_WARN, BW_INFO, BW_DEBUG, BW_TRACE. Each takes the
// program context (unused today, kept for the signature), a format string
// literal and up to BW_LOG_MAX_ARGS arguments. Placeholders:
//   {}            the argument as its type says (integers in decimal,
//                 strings up to their NUL, addresses and MACs as for the
//                 hints below, pointers in hex with 0x)
//   {:x} {:X}     integers in lower/upper hex, no prefix
//   {:i}          __u8[4] as a.b.c.d, __u8[16] as IPv6 (IPv4-mapped dotted)
//   {:mac} {:MAC} __u8[6] as 00:11:.. / 00:11:.. in upper case
//   {:p}          pointers, 0x and lower hex
// "{{" and "}}" are literal braces.
//
// Argument types are taken with _Generic and __builtin_types_compatible_p:
// integers of every width and signedness; char[N] (a string, cut at the
// first NUL); __u8[4], __u8[16] (addresses); __u8[6] (MAC); pointers. Any
// other type is a compile-time error, and so are an unknown hint, a hint
// that does not fit its argument, and a placeholder count that differs
// from the argument count (the format is read by constant folding). Up to
// a "{{" escape only: past one, these are refused when the daemon loads
// the set instead, naming file:line.
//
// What a call costs: the format string, the file and line and the argument
// types stay in the object, in the ELF section ".bw_log_sites" the daemon
// reads at load (never loaded into the kernel); the record holds a 32-bit
// site id and the argument values only, written with one
// bpf_ringbuf_reserve and one bpf_ringbuf_submit into the set's ring buffer
// `bw_log` (BW_LOG_RING_BYTES; define it before including this header to
// change it). A record that does not fit is counted in the per-CPU array
// `bw_log_drops` and never waited for.
//
// Levels below `bw_log_level`, a .rodata global the daemon sets at load
// from the set's `log_level`, are dead code: the verifier removes them.
//
// The structs below are shared with the daemon (daemon/core/log_sites.cc).
#ifndef BPFWARDEN_BPF_INCLUDE_BPFWARDEN_LOG_H_
#define BPFWARDEN_BPF_INCLUDE_BPFWARDEN_LOG_H_

#include <linux/types.h>

#define BW_LEVEL_ERROR 1
#define BW_LEVEL_WARN 2
#define BW_LEVEL_INFO 3
#define BW_LEVEL_DEBUG 4
#define BW_LEVEL_TRACE 5

#define BW_LOG_MAX_ARGS 8
#define BW_LOG_SITE_MAGIC 0x3157425fu  // "_BW1"
#define BW_LOG_SITES_SECTION ".bw_log_sites"

enum bw_log_arg_type {
  BW_ARG_BAD = 0,
  BW_ARG_U8 = 1,
  BW_ARG_U16 = 2,
  BW_ARG_U32 = 3,
  BW_ARG_U64 = 4,
  BW_ARG_I8 = 5,
  BW_ARG_I16 = 6,
  BW_ARG_I32 = 7,
  BW_ARG_I64 = 8,
  BW_ARG_STR = 9,    // char[N]
  BW_ARG_IPV4 = 10,  // __u8[4]
  BW_ARG_IPV6 = 11,  // __u8[16]
  BW_ARG_MAC = 12,   // __u8[6]
  BW_ARG_PTR = 13,
};

// A call site, as stored in .bw_log_sites; the file name (sizeof(__FILE__)
// bytes, NUL included) and the format string (format_len bytes, NUL
// included) follow it, and `size` covers all three. The linker may pad
// between sites with zeros.
struct bw_log_site {
  __u32 magic;  // BW_LOG_SITE_MAGIC
  __u32 id;     // the record's first word
  __u32 line;
  __u16 size;         // this site, file and format included
  __u16 record_size;  // bytes of each record of this site
  __u16 file_len;
  __u16 format_len;
  __u8 level;  // BW_LEVEL_*
  __u8 nargs;
  __u8 types[BW_LOG_MAX_ARGS];     // enum bw_log_arg_type
  __u16 offsets[BW_LOG_MAX_ARGS];  // of each argument in the record
  __u16 sizes[BW_LOG_MAX_ARGS];    // of each argument in the record
};

#ifdef __bpf__

#include <bpf/bpf_helpers.h>

#ifndef BW_LOG_RING_BYTES
#define BW_LOG_RING_BYTES (256 * 1024)
#endif

// Weak, so that several files of one object may include this header.
struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, BW_LOG_RING_BYTES);
} bw_log SEC(".maps") __attribute__((weak));

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} bw_log_drops SEC(".maps") __attribute__((weak));

const volatile __u32 bw_log_level __attribute__((weak)) = BW_LEVEL_INFO;

// FNV-1a over the first 64 bytes of the file name, folded by the compiler.
#define __BW_H1(h, s, i)                                                    \
  (((h) ^                                                                   \
    (__u32)(unsigned char)((i) < sizeof(s) ? (s)[(i) < sizeof(s) ? (i) : 0] \
                                           : 0)) *                          \
   16777619u)
#define __BW_H4(h, s, i) \
  __BW_H1(__BW_H1(__BW_H1(__BW_H1(h, s, i), s, i + 1), s, i + 2), s, i + 3)
#define __BW_H16(h, s, i) \
  __BW_H4(__BW_H4(__BW_H4(__BW_H4(h, s, i), s, i + 4), s, i + 8), s, i + 12)
#define __BW_H64(h, s, i)                                                  \
  __BW_H16(__BW_H16(__BW_H16(__BW_H16(h, s, i), s, i + 16), s, i + 32), s, \
           i + 48)
#define __BW_SITE_ID \
  (__BW_H64(2166136261u, __FILE__, 0) ^ ((__u32)__LINE__ << 8) ^ __COUNTER__)

#define __BW_IS(x, T) __builtin_types_compatible_p(__typeof__(x), T)
// _Generic's lvalue conversion drops qualifiers (const fields) and does not
// promote; arrays decay, and only pointers pass the default's test.
#define __BW_INT_TYPE(x)                                                    \
  _Generic(                                                                 \
      (x), _Bool                                                            \
      : BW_ARG_U8, char                                                     \
      : BW_ARG_I8, signed char                                              \
      : BW_ARG_I8, unsigned char                                            \
      : BW_ARG_U8, short                                                    \
      : BW_ARG_I16, unsigned short                                          \
      : BW_ARG_U16, int                                                     \
      : BW_ARG_I32, unsigned int                                            \
      : BW_ARG_U32, long                                                    \
      : BW_ARG_I64, unsigned long                                           \
      : BW_ARG_U64, long long                                               \
      : BW_ARG_I64, unsigned long long                                      \
      : BW_ARG_U64, default                                                 \
      : (__builtin_classify_type(x) == 5 && __BW_IS(x, __typeof__((x) + 0)) \
             ? BW_ARG_PTR                                                   \
             : BW_ARG_BAD))
// The argument's type code (enum bw_log_arg_type); BW_ARG_BAD if none fits.
#define __BW_TYPE(x)                           \
  (__BW_IS(x, __u8[4])           ? BW_ARG_IPV4 \
   : __BW_IS(x, __u8[16])        ? BW_ARG_IPV6 \
   : __BW_IS(x, __u8[6])         ? BW_ARG_MAC  \
   : __BW_IS(x, char[sizeof(x)]) ? BW_ARG_STR  \
                                 : __BW_INT_TYPE(x))
#define __BW_IS_ARRAY(x)                                        \
  (__BW_TYPE(x) == BW_ARG_STR || __BW_TYPE(x) == BW_ARG_IPV4 || \
   __BW_TYPE(x) == BW_ARG_IPV6 || __BW_TYPE(x) == BW_ARG_MAC)

#define __BW_NARGS(...) __BW_NARGS_(_, ##__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define __BW_NARGS_(_, a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n
#define __BW_CAT(a, b) __BW_CAT_(a, b)
#define __BW_CAT_(a, b) a##b

// Applies m(index, arg) to each argument.
#define __BW_EACH(m, ...) \
  __BW_CAT(__BW_EACH_, __BW_NARGS(__VA_ARGS__))(m, ##__VA_ARGS__)
#define __BW_EACH_0(m)
#define __BW_EACH_1(m, a) m(0, a)
#define __BW_EACH_2(m, a, ...) m(1, a) __BW_EACH_1(m, __VA_ARGS__)
#define __BW_EACH_3(m, a, ...) m(2, a) __BW_EACH_2(m, __VA_ARGS__)
#define __BW_EACH_4(m, a, ...) m(3, a) __BW_EACH_3(m, __VA_ARGS__)
#define __BW_EACH_5(m, a, ...) m(4, a) __BW_EACH_4(m, __VA_ARGS__)
#define __BW_EACH_6(m, a, ...) m(5, a) __BW_EACH_5(m, __VA_ARGS__)
#define __BW_EACH_7(m, a, ...) m(6, a) __BW_EACH_6(m, __VA_ARGS__)
#define __BW_EACH_8(m, a, ...) m(7, a) __BW_EACH_7(m, __VA_ARGS__)

// Indexes run from the last argument (0) to the first: only the site's
// arrays care, and they are filled by index.
#define __BW_FIELD(i, x) __typeof__(x) a##i;
#define __BW_CHECK(i, x)                                                    \
  _Static_assert(__BW_TYPE(x) != BW_ARG_BAD,                                \
                 "BW_* log argument: unsupported type (integers, char[N], " \
                 "__u8[4], __u8[16], __u8[6] and pointers are)");
#define __BW_VALUE(i, x) __typeof__((x) + 0) __bw_v##i = (x);
#define __BW_STORE(i, x)                                                       \
  __builtin_memcpy(                                                            \
      (void*)&__bw_r->a##i,                                                    \
      __builtin_choose_expr(__BW_IS_ARRAY(x), (void*)(unsigned long)__bw_v##i, \
                            (void*)&__bw_v##i),                                \
      sizeof(__bw_r->a##i));

#define __BW_SITE_ARG(i, x)                                                 \
  .h.types[__BW_NARGS_LAST - 1 - i] = __BW_TYPE(x),                         \
                                 .h.offsets[__BW_NARGS_LAST - 1 - i] =      \
                                     __builtin_offsetof(struct __bw_record, \
                                                        a##i),              \
                                 .h.sizes[__BW_NARGS_LAST - 1 - i] =        \
                                     sizeof(x),

// Compile-time checks of the format against the arguments, by constant
// folding of __builtin_strchr/__builtin_strncmp over the literal: P<k> is
// the k-th '{' of the format followed by a "{!" sentinel, E<k> says whether
// a "{{" came up to it (then the checks stop there; the daemon's load-time
// check still applies).
#define __BW_S(fmt) (fmt "{!{!{!{!{!{!{!{!{!{!")
#define __BW_P1(f) __builtin_strchr(__BW_S(f), '{')
#define __BW_P2(f) __builtin_strchr(__BW_P1(f) + 1, '{')
#define __BW_P3(f) __builtin_strchr(__BW_P2(f) + 1, '{')
#define __BW_P4(f) __builtin_strchr(__BW_P3(f) + 1, '{')
#define __BW_P5(f) __builtin_strchr(__BW_P4(f) + 1, '{')
#define __BW_P6(f) __builtin_strchr(__BW_P5(f) + 1, '{')
#define __BW_P7(f) __builtin_strchr(__BW_P6(f) + 1, '{')
#define __BW_P8(f) __builtin_strchr(__BW_P7(f) + 1, '{')
#define __BW_P9(f) __builtin_strchr(__BW_P8(f) + 1, '{')
#define __BW_E1(f) (__BW_HINT_IS(__BW_P1(f), "{{"))
#define __BW_E2(f) (__BW_E1(f) || __BW_HINT_IS(__BW_P2(f), "{{"))
#define __BW_E3(f) (__BW_E2(f) || __BW_HINT_IS(__BW_P3(f), "{{"))
#define __BW_E4(f) (__BW_E3(f) || __BW_HINT_IS(__BW_P4(f), "{{"))
#define __BW_E5(f) (__BW_E4(f) || __BW_HINT_IS(__BW_P5(f), "{{"))
#define __BW_E6(f) (__BW_E5(f) || __BW_HINT_IS(__BW_P6(f), "{{"))
#define __BW_E7(f) (__BW_E6(f) || __BW_HINT_IS(__BW_P7(f), "{{"))
#define __BW_E8(f) (__BW_E7(f) || __BW_HINT_IS(__BW_P8(f), "{{"))
#define __BW_E9(f) (__BW_E8(f) || __BW_HINT_IS(__BW_P9(f), "{{"))
#define __BW_HINT_IS(q, h) (__builtin_strncmp(q, h, sizeof(h) - 1) == 0)
#define __BW_HINT_FITS(q, t)                                                  \
  (__BW_HINT_IS(q, "{}") ||                                                   \
   ((__BW_HINT_IS(q, "{:x}") || __BW_HINT_IS(q, "{:X}")) &&                   \
    (((t) >= BW_ARG_U8 && (t) <= BW_ARG_I64) || (t) == BW_ARG_PTR)) ||        \
   (__BW_HINT_IS(q, "{:i}") && ((t) == BW_ARG_IPV4 || (t) == BW_ARG_IPV6)) || \
   ((__BW_HINT_IS(q, "{:mac}") || __BW_HINT_IS(q, "{:MAC}")) &&               \
    (t) == BW_ARG_MAC) ||                                                     \
   (__BW_HINT_IS(q, "{:p}") && (t) == BW_ARG_PTR))
// Argument number k (from 1) against placeholder k.
#define __BW_CHECK_HINT(fmt, k, x)                                    \
  _Static_assert(                                                     \
      __BW_E##k(fmt) || __BW_HINT_FITS(__BW_P##k(fmt), __BW_TYPE(x)), \
      "BW_* log: placeholder " #k                                     \
      " is missing, or its hint "                                     \
      "does not fit argument " #k "'s type");
#define __BW_HINTS_0(f)
#define __BW_HINTS_1(f, a) __BW_CHECK_HINT(f, 1, a)
#define __BW_HINTS_2(f, a, b) __BW_HINTS_1(f, a) __BW_CHECK_HINT(f, 2, b)
#define __BW_HINTS_3(f, a, b, c) __BW_HINTS_2(f, a, b) __BW_CHECK_HINT(f, 3, c)
#define __BW_HINTS_4(f, a, b, c, d) \
  __BW_HINTS_3(f, a, b, c) __BW_CHECK_HINT(f, 4, d)
#define __BW_HINTS_5(f, a, b, c, d, e) \
  __BW_HINTS_4(f, a, b, c, d) __BW_CHECK_HINT(f, 5, e)
#define __BW_HINTS_6(f, a, b, c, d, e, g) \
  __BW_HINTS_5(f, a, b, c, d, e) __BW_CHECK_HINT(f, 6, g)
#define __BW_HINTS_7(f, a, b, c, d, e, g, h) \
  __BW_HINTS_6(f, a, b, c, d, e, g) __BW_CHECK_HINT(f, 7, h)
#define __BW_HINTS_8(f, a, b, c, d, e, g, h, i) \
  __BW_HINTS_7(f, a, b, c, d, e, g, h) __BW_CHECK_HINT(f, 8, i)
// No placeholder beyond the last argument.
#define __BW_NARGS_PLUS1(...) \
  __BW_NARGS_(_, ##__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define __BW_CHECK_COUNT(fmt, ...)                                           \
  _Static_assert(                                                            \
      __BW_CAT(__BW_E, __BW_NARGS_PLUS1(__VA_ARGS__))(fmt) ||                \
          __BW_HINT_IS(__BW_CAT(__BW_P, __BW_NARGS_PLUS1(__VA_ARGS__))(fmt), \
                       "{!"),                                                \
      "BW_* log: more placeholders than arguments");
#define __BW_CHECK_FORMAT(fmt, ...)              \
  __BW_CAT(__BW_HINTS_, __BW_NARGS(__VA_ARGS__)) \
  (fmt, ##__VA_ARGS__) __BW_CHECK_COUNT(fmt, ##__VA_ARGS__)

#define __BW_LOG(lvl, ctx, fmt, ...)                                           \
  do {                                                                         \
    (void)(ctx);                                                               \
    if ((lvl) <= bw_log_level) {                                               \
      _Static_assert(__BW_NARGS(__VA_ARGS__) <= BW_LOG_MAX_ARGS,               \
                     "BW_* log: at most 8 arguments");                         \
      __BW_EACH(__BW_CHECK, ##__VA_ARGS__)                                     \
      __BW_CHECK_FORMAT(fmt, ##__VA_ARGS__)                                    \
      enum { __BW_NARGS_LAST = __BW_NARGS(__VA_ARGS__) };                      \
      struct __bw_record {                                                     \
        __u32 site;                                                            \
        __BW_EACH(__BW_FIELD, ##__VA_ARGS__)                                   \
      };                                                                       \
      static const struct {                                                    \
        struct bw_log_site h;                                                  \
        char file[sizeof(__FILE__)];                                           \
        char format[sizeof(fmt)];                                              \
      } __bw_site                                                              \
          __attribute__((section(BW_LOG_SITES_SECTION), used, aligned(4))) = { \
              .h.magic = BW_LOG_SITE_MAGIC,                                    \
              .h.id = __BW_SITE_ID,                                            \
              .h.line = __LINE__,                                              \
              .h.size = sizeof(__bw_site),                                     \
              .h.record_size = sizeof(struct __bw_record),                     \
              .h.file_len = sizeof(__FILE__),                                  \
              .h.format_len = sizeof(fmt),                                     \
              .h.level = (lvl),                                                \
              .h.nargs = __BW_NARGS_LAST,                                      \
              __BW_EACH(__BW_SITE_ARG, ##__VA_ARGS__).file = __FILE__,         \
              .format = fmt,                                                   \
      };                                                                       \
      __BW_EACH(__BW_VALUE, ##__VA_ARGS__)                                     \
      struct __bw_record* __bw_r =                                             \
          bpf_ringbuf_reserve(&bw_log, sizeof(struct __bw_record), 0);         \
      if (__bw_r) {                                                            \
        __bw_r->site = __bw_site.h.id;                                         \
        __BW_EACH(__BW_STORE, ##__VA_ARGS__)                                   \
        bpf_ringbuf_submit(__bw_r, 0);                                         \
      } else {                                                                 \
        __u32 __bw_zero = 0;                                                   \
        __u64* __bw_drops = bpf_map_lookup_elem(&bw_log_drops, &__bw_zero);    \
        if (__bw_drops) *__bw_drops += 1;                                      \
      }                                                                        \
    }                                                                          \
  } while (0)

#define BW_ERROR(ctx, fmt, ...) \
  __BW_LOG(BW_LEVEL_ERROR, ctx, fmt, ##__VA_ARGS__)
#define BW_WARN(ctx, fmt, ...) __BW_LOG(BW_LEVEL_WARN, ctx, fmt, ##__VA_ARGS__)
#define BW_INFO(ctx, fmt, ...) __BW_LOG(BW_LEVEL_INFO, ctx, fmt, ##__VA_ARGS__)
#define BW_DEBUG(ctx, fmt, ...) \
  __BW_LOG(BW_LEVEL_DEBUG, ctx, fmt, ##__VA_ARGS__)
#define BW_TRACE(ctx, fmt, ...) \
  __BW_LOG(BW_LEVEL_TRACE, ctx, fmt, ##__VA_ARGS__)

#endif  // __bpf__

#endif  // BPFWARDEN_BPF_INCLUDE_BPFWARDEN_LOG_H_
