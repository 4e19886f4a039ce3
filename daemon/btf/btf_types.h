// A BTF object with the index the codec needs: decl tags by struct member.
#ifndef BPFWARDEN_DAEMON_BTF_BTF_TYPES_H_
#define BPFWARDEN_DAEMON_BTF_BTF_TYPES_H_

#include <bpf/btf.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "daemon/base/libbpf_ptr.h"

namespace bpfwarden {

// The decl tag that marks an IP address field (bpf/include/btf_tags.h).
inline constexpr char kIpAddrTag[] = "bpfwarden.ip_addr";

// Owns a `struct btf` and indexes its BTF_KIND_DECL_TAG records that name a
// struct or union member (component_idx >= 0). Immutable after Create, so
// one instance is shared (std::shared_ptr<const BtfTypes>) by every codec
// built on it and is safe to use from many threads.
class BtfTypes {
 public:
  static absl::StatusOr<std::shared_ptr<const BtfTypes>> Create(BtfPtr btf);

  // Loads the BTF object `btf_id` from the kernel.
  static absl::StatusOr<std::shared_ptr<const BtfTypes>> LoadFromKernel(
      uint32_t btf_id);

  // A copy of `btf` (which stays the caller's).
  static absl::StatusOr<std::shared_ptr<const BtfTypes>> CopyOf(
      const struct btf* btf);

  // Parses the .BTF section of an ELF object in memory (e.g. the embedded
  // default object).
  static absl::StatusOr<std::shared_ptr<const BtfTypes>> FromElf(
      const void* data, size_t size);

  const struct btf* get() const { return btf_.get(); }

  // True when member `member_index` of struct/union `composite_id` carries a
  // decl tag whose text is `tag`.
  bool MemberHasTag(uint32_t composite_id, int member_index,
                    absl::string_view tag) const;

  // The id of the named struct (kind BTF_KIND_STRUCT), if any.
  absl::StatusOr<uint32_t> FindStruct(absl::string_view name) const;

 private:
  explicit BtfTypes(BtfPtr btf) : btf_(std::move(btf)) {}

  BtfPtr btf_;
  // (composite type id, member index) -> tag texts.
  absl::flat_hash_map<std::pair<uint32_t, int>, std::vector<std::string>>
      member_tags_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_BTF_TYPES_H_
