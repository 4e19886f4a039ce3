// Typed access to one BPF map through an FD: raw bytes or JSON by its BTF.
#ifndef BPFWARDEN_DAEMON_MAPS_TYPED_MAP_H_
#define BPFWARDEN_DAEMON_MAPS_TYPED_MAP_H_

#include <linux/bpf.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/btf_cache.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/json.h"
#include "daemon/btf/type_layout.h"
#include "daemon/maps/map_errors.h"

namespace bpfwarden {

using Bytes = std::vector<uint8_t>;

enum class UpdateFlag {
  kAny,      // BPF_ANY: create or replace
  kNoExist,  // BPF_NOEXIST: create only; an existing key is AlreadyExists
  kExist,    // BPF_EXIST: replace only; a missing key is NotFound
};

struct MapEntry {
  Bytes key;
  Bytes value;  // per-CPU maps: value_bytes() (every CPU's slot)
};

struct JsonEntry {
  Json key;
  Json value;  // per-CPU maps: an array with one value per CPU
};

// Result of a batch write. Batches are not all-or-nothing: entries are
// applied in order and the batch stops at the first failure. UpdateBatch
// with kAny on hash-family and array maps, and DeleteBatch on hash-family
// maps, use the kernel's BPF_MAP_UPDATE_BATCH / BPF_MAP_DELETE_BATCH (one
// syscall; the kernel itself stops at the first failing element). Other map
// types (LPM trie, ...) and NOEXIST/EXIST updates (the kernel's batch update
// takes no such flags) go one element at a time, with the same semantics.
// `applied` entries (the first `applied` of the request) took effect; when
// `status` is not OK it is the failure of entry number `applied` (0-based,
// named in the message with the count applied) and nothing after it was
// attempted. Entries that fail validation (sizes, JSON) are reported before
// any entry reaches the kernel, with applied == 0.
struct BatchResult {
  size_t applied = 0;
  absl::Status status;
};

enum class DumpMethod {
  kAuto,     // BPF_MAP_LOOKUP_BATCH where the map type supports it, else
             // next-key iteration
  kBatch,    // BPF_MAP_LOOKUP_BATCH (hash, LRU hash, per-CPU variants,
             // array, per-CPU array); other types: Unimplemented
  kNextKey,  // BPF_MAP_GET_NEXT_KEY + lookup, any iterable map type
};

struct DumpOptions {
  size_t page_size = 256;  // entries per page, >= 1 (a hash bucket is never
                           // split, so a batch page may exceed it when one
                           // bucket holds more entries)
  DumpMethod method = DumpMethod::kAuto;
};

struct DumpPage {
  std::vector<MapEntry> entries;
  // Opaque resume token for the next page; empty when the dump is complete.
  std::string next_token;
};

// A page as two contiguous byte strings: `count` keys of key_size() bytes,
// and `count` values of value_bytes() bytes, in the same order.
struct PackedPage {
  std::string keys;
  std::string values;
  size_t count = 0;
  std::string next_token;  // as in DumpPage
};

// Opened from an FD of a map (TypedMap owns it). Reads bpf_map_info, loads
// the map's BTF from the kernel (through a BtfCache when several maps are
// opened together) and builds codecs for its key and value.
//
// Errors from the kernel carry the map's label and the operation, with
// codes: ENOENT NotFound, EEXIST AlreadyExists, E2BIG/ENOSPC/ENOMEM
// ResourceExhausted (an update into a full hash map is E2BIG), EINVAL
// InvalidArgument; EPERM/EACCES are FailedPrecondition when the map refuses
// the write itself (frozen, or read-only to syscalls: BPF_F_RDONLY), and
// PermissionDenied otherwise (the daemon itself lacks the privilege).
//
// Dump resume tokens are base64url text holding the map id, the method and
// the position. Semantics:
//   - a token that does not parse is InvalidArgument;
//   - a token of another map (id differs, e.g. the map was re-created) is
//     FailedPrecondition ("stale resume token");
//   - next-key position: the last key returned. If that key has since been
//     deleted the kernel would silently restart from the first key, so the
//     resume is FailedPrecondition ("stale resume token") instead: restart
//     the dump without a token;
//   - batch position: the kernel's cursor (a hash bucket or array index),
//     which never goes stale. Entries present for the whole dump appear
//     exactly once; entries added or removed meanwhile may or may not.
//
// Thread-safe: every method is const; concurrent use is as safe as the
// kernel's map operations.
class TypedMap {
 public:
  // `label` names the map in messages, e.g. "tcp/tcp_stats".
  static absl::StatusOr<TypedMap> Open(UniqueFd fd, std::string label);
  // The same, taking the map's BTF object from `btf` (maps of one object
  // share it: it is loaded once).
  static absl::StatusOr<TypedMap> Open(UniqueFd fd, std::string label,
                                       BtfCache& btf);

  TypedMap(TypedMap&&) = default;
  TypedMap& operator=(TypedMap&&) = default;

  const std::string& label() const { return label_; }
  const bpf_map_info& info() const { return info_; }
  int fd() const { return fd_.get(); }
  bool per_cpu() const { return per_cpu_; }
  int num_cpus() const { return num_cpus_; }
  size_t key_size() const { return info_.key_size; }
  // Raw value length: value_size, or num_cpus slots of round_up(value_size,
  // 8) for per-CPU maps.
  size_t value_bytes() const { return value_bytes_; }
  // A map of global variables (.bss, .data, .rodata): a one-entry array
  // whose value is a BTF DATASEC. Its key is implicit (index 0).
  bool implicit_key() const { return implicit_key_; }

  // The codecs; FailedPrecondition explaining why when the map has no BTF
  // for that side ("map X has no BTF for its key: only raw bytes work") or
  // the type cannot be coded (the codec's reason).
  absl::StatusOr<const TypeCodec*> key_codec() const;
  absl::StatusOr<const TypeCodec*> value_codec() const;
  // Layouts from BTF, if the side has a usable codec.
  std::optional<TypeLayout> KeyLayout() const;
  std::optional<TypeLayout> ValueLayout() const;

  // Raw bytes. A key of other than key_size() bytes or a value of other than
  // value_bytes() bytes is InvalidArgument naming expected and got.
  absl::StatusOr<Bytes> Lookup(absl::Span<const uint8_t> key) const;
  // The same into `value` (value_bytes() long), allocating nothing.
  absl::Status LookupInto(absl::Span<const uint8_t> key,
                          absl::Span<uint8_t> value) const;
  absl::Status Update(absl::Span<const uint8_t> key,
                      absl::Span<const uint8_t> value, UpdateFlag flag) const;
  absl::Status Delete(absl::Span<const uint8_t> key) const;
  BatchResult UpdateBatch(const std::vector<MapEntry>& entries,
                          UpdateFlag flag) const;
  BatchResult DeleteBatch(const std::vector<Bytes>& keys) const;
  // `resume_token` empty starts from the beginning.
  absl::StatusOr<DumpPage> Dump(absl::string_view resume_token,
                                const DumpOptions& options) const;
  // The same page, packed: no allocation per entry.
  absl::StatusOr<PackedPage> DumpPacked(absl::string_view resume_token,
                                        const DumpOptions& options) const;

  // Conversions by BTF (per-CPU values through EncodePerCpu/DecodePerCpu).
  absl::StatusOr<Bytes> KeyFromJson(const Json& key,
                                    const DecodeOptions& options = {}) const;
  absl::StatusOr<Bytes> ValueFromJson(const Json& value,
                                      const DecodeOptions& options = {}) const;
  // The same from JSON text, without a DOM (TypeCodec::DecodeText): the
  // same bytes and errors as ParseJson(text, "key"/"value") then *FromJson.
  absl::StatusOr<Bytes> KeyFromText(absl::string_view key,
                                    const DecodeOptions& options = {}) const;
  absl::StatusOr<Bytes> ValueFromText(absl::string_view value,
                                      const DecodeOptions& options = {}) const;
  absl::StatusOr<Json> KeyToJson(absl::Span<const uint8_t> key) const;
  absl::StatusOr<Json> ValueToJson(absl::Span<const uint8_t> value) const;
  // The same as compact JSON text appended to `out` (the codec's compiled
  // plan, no DOM); per-CPU values are "[v0,v1,...]".
  absl::Status KeyToText(absl::Span<const uint8_t> key, std::string& out) const;
  absl::Status ValueToText(absl::Span<const uint8_t> value,
                           std::string& out) const;

  // JSON conveniences over the raw operations.
  absl::StatusOr<Json> LookupJson(const Json& key) const;
  absl::Status UpdateJson(const Json& key, const Json& value, UpdateFlag flag,
                          const DecodeOptions& options = {}) const;
  absl::Status DeleteJson(const Json& key) const;
  BatchResult UpdateBatchJson(const std::vector<JsonEntry>& entries,
                              UpdateFlag flag,
                              const DecodeOptions& options = {}) const;
  BatchResult DeleteBatchJson(const std::vector<Json>& keys) const;
  // Encodes a page's entries (key and value) to JSON.
  absl::StatusOr<std::vector<JsonEntry>> ToJson(
      const std::vector<MapEntry>& entries) const;

 private:
  TypedMap() = default;

  absl::Status CheckKey(absl::Span<const uint8_t> key,
                        absl::string_view op) const;
  absl::Status CheckValue(absl::Span<const uint8_t> value,
                          absl::string_view op) const;
  absl::Status Errno(int err, MapAccess access, absl::string_view op) const;
  absl::StatusOr<PackedPage> DumpBatch(const std::vector<uint8_t>* cursor,
                                       size_t page_size) const;
  absl::StatusOr<PackedPage> DumpNextKey(const std::vector<uint8_t>* last_key,
                                         size_t page_size) const;

  UniqueFd fd_;
  std::string label_;
  bpf_map_info info_{};
  bool per_cpu_ = false;
  int num_cpus_ = 1;
  size_t value_bytes_ = 0;
  bool implicit_key_ = false;
  absl::StatusOr<TypeCodec> key_codec_ = absl::UnknownError("unset");
  absl::StatusOr<TypeCodec> value_codec_ = absl::UnknownError("unset");
};

// The name of an UpdateFlag ("ANY", "NOEXIST", "EXIST").
const char* UpdateFlagName(UpdateFlag flag);
// Its kernel value (BPF_ANY, BPF_NOEXIST, BPF_EXIST).
uint64_t KernelUpdateFlags(UpdateFlag flag);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_TYPED_MAP_H_
