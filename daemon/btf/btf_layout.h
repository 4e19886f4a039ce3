// Structural comparison of two BTF types, used to refuse reusing a pinned
// map whose key or value layout is not the one the new object expects.
#ifndef BPFWARDEN_DAEMON_BTF_BTF_LAYOUT_H_
#define BPFWARDEN_DAEMON_BTF_BTF_LAYOUT_H_

#include <bpf/btf.h>

#include <cstdint>
#include <string>

namespace bpfwarden {

// Compares type `old_id` of `old_btf` with type `new_id` of `new_btf`:
// kinds, names, sizes, integer encodings, array lengths, and for structs and
// unions every member's name, offset, bitfield size and type, recursively.
// Typedefs and const/volatile/restrict are looked through (their names do
// not change the layout); pointers compare by size only. Returns "" when the
// layouts match, otherwise the first difference, e.g.
//   "struct tcp_stats_value: member srtt_us: offset 24 in the pinned map, 32
//    in the object".
std::string DescribeLayoutDifference(const btf* old_btf, uint32_t old_id,
                                     const btf* new_btf, uint32_t new_id);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_BTF_LAYOUT_H_
