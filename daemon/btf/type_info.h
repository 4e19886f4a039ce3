// Questions the codec and the layout ask of BTF types. Internal to
// daemon/btf.
#ifndef BPFWARDEN_DAEMON_BTF_TYPE_INFO_H_
#define BPFWARDEN_DAEMON_BTF_TYPE_INFO_H_

#include <bpf/btf.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"

namespace bpfwarden::btf_internal {

// Skips typedef, const, volatile, restrict and type_tag.
uint32_t Resolve(const struct btf* b, uint32_t id);

// The C spelling of a type: "__u32", "struct tcp_stats_key", "char[16]".
std::string TypeName(const struct btf* b, uint32_t id);

// The name of a BTF kind for messages: "pointer", "function", ...
const char* KindName(const btf_type* t);

// An array of "char" (after const/volatile only: a typedef such as __u8 is
// not text), or with the BTF_INT_CHAR encoding.
bool IsCharArray(const struct btf* b, const btf_type* array);

// 4 or 16 when `id` resolves to an array of that many 1-byte integers,
// else 0.
uint32_t IpArrayLength(const struct btf* b, uint32_t id);

bool IsBool(const btf_type* int_type);
bool IsSignedInt(const btf_type* int_type);

// Whether an enum's values are signed: the kind flag, or (clang < 15 emits
// no flag) a negative value in a 32-bit enum.
bool IsSignedEnum(const btf_type* t);
// Enumerators (name, value) of an enum or enum64.
std::vector<std::pair<std::string, absl::int128>> Enumerators(
    const struct btf* b, const btf_type* t);

std::string MemberName(const struct btf* b, const btf_member& member);

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_TYPE_INFO_H_
