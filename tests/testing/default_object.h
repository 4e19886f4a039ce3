// The daemon's default BPF object (//bpf:bpfwarden), loaded with libbpf
// alone for kernel tests: maps pinned under a test's pin directory,
// programs attached to a test's cgroup through bpf_link.
#ifndef BPFWARDEN_TESTS_TESTING_DEFAULT_OBJECT_H_
#define BPFWARDEN_TESTS_TESTING_DEFAULT_OBJECT_H_

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/kernel_platform.h"
#include "bpfwarden/v1/config.pb.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/scoped_pin_dir.h"

namespace bpfwarden::testing {

class DefaultObject {
 public:
  // Opens the embedded object with `pins` as libbpf's pin root (maps pinned
  // by name land there), sets `globals` (read-only globals, as the daemon's
  // `globals` do) and loads it. On a verifier rejection the error carries
  // libbpf's message; the verifier log goes to stderr. `variant` picks the
  // daemon's builtin object (kNoCmpxchg: the one for kernels before 5.12);
  // kAuto: the one the daemon picks on this kernel (its cmpxchg probe).
  static absl::StatusOr<DefaultObject> Load(
      const ScopedPinDir& pins,
      const std::vector<v1::GlobalValue>& globals = {},
      BuiltinVariant variant = BuiltinVariant::kAuto);

  bpf_object* get() const { return obj_.get(); }

  absl::StatusOr<bpf_program*> Program(const std::string& name) const;
  absl::StatusOr<int> MapFd(const std::string& name) const;
  // The kernel's view of a loaded program (id, verified_insns, ...).
  absl::StatusOr<bpf_prog_info> ProgramInfo(const std::string& name) const;

  // Attaches program `name` to `cgroup` with BPF_LINK_CREATE; destroying the
  // link detaches it.
  absl::StatusOr<BpfLinkPtr> Attach(const std::string& name,
                                    const ScopedCgroup& cgroup) const;

 private:
  explicit DefaultObject(BpfObjectPtr obj) : obj_(std::move(obj)) {}
  BpfObjectPtr obj_;
};

// Every entry of a hash-like map, read with get_next_key and lookup.
template <typename Key, typename Value>
std::vector<std::pair<Key, Value>> MapEntries(int map_fd) {
  std::vector<std::pair<Key, Value>> out;
  Key key{}, next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(map_fd, prev, &next) == 0) {
    Value value{};
    if (bpf_map_lookup_elem(map_fd, &next, &value) == 0) {
      out.emplace_back(next, value);
    }
    key = next;
    prev = &key;
  }
  return out;
}

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_DEFAULT_OBJECT_H_
