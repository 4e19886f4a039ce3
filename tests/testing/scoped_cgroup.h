// A child cgroup v2 directory that exists for one test.
#ifndef BPFWARDEN_TESTS_TESTING_SCOPED_CGROUP_H_
#define BPFWARDEN_TESTS_TESTING_SCOPED_CGROUP_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// Creates a uniquely named child of the cgroup v2 root; the destructor kills
// whatever still runs in it and removes it.
class ScopedCgroup {
 public:
  static absl::StatusOr<ScopedCgroup> Create(const std::string& tag);

  ScopedCgroup(ScopedCgroup&& other) noexcept;
  ScopedCgroup& operator=(ScopedCgroup&&) = delete;
  ScopedCgroup(const ScopedCgroup&) = delete;
  ~ScopedCgroup();

  const std::string& path() const { return path_; }
  uint64_t id() const { return id_; }

  // Moves `pid` into this cgroup.
  absl::Status Enter(pid_t pid) const;

 private:
  ScopedCgroup(std::string path, uint64_t id) : path_(path), id_(id) {}
  std::string path_;
  uint64_t id_ = 0;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_SCOPED_CGROUP_H_
