// A gtest fixture for kernel tests of the default BPF object: a fresh pin
// directory and child cgroup per test, the object loaded into the one and
// chosen programs attached to the other; on tear-down everything is undone
// and checked gone (no attachment on the cgroup, no pins, no cgroup).
#ifndef BPFWARDEN_TESTS_BPF_ATTACHED_OBJECT_TEST_BASE_H_
#define BPFWARDEN_TESTS_BPF_ATTACHED_OBJECT_TEST_BASE_H_

#include <optional>
#include <string>
#include <vector>

#include "daemon/base/libbpf_ptr.h"
#include "gtest/gtest.h"
#include "tests/testing/default_object.h"
#include "tests/testing/scoped_cgroup.h"
#include "tests/testing/test_scope.h"

namespace bpfwarden::testing {

class AttachedObjectTestBase : public ::testing::Test {
 protected:
  // Call from SetUp (after BPFWARDEN_REQUIRE_KERNEL()); wrap in
  // ASSERT_NO_FATAL_FAILURE. `tag` names the pin directory and cgroup
  // (CurrentTestTag() is a good one); `globals` set read-only globals;
  // `variant` picks the builtin object (DefaultObject::Load).
  void LoadAndAttach(const std::string& tag,
                     const std::vector<std::string>& programs,
                     const std::vector<v1::GlobalValue>& globals = {},
                     BuiltinVariant variant = BuiltinVariant::kAuto);
  void TearDown() override;

  // The fd of map `name`; fails the test when absent.
  int MapFd(const std::string& name);
  const ScopedCgroup& cgroup() const { return scope_->cgroup(); }
  const DefaultObject& object() const { return *obj_; }

 private:
  std::optional<TestScope> scope_;
  std::optional<DefaultObject> obj_;
  std::vector<BpfLinkPtr> links_;
};

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_BPF_ATTACHED_OBJECT_TEST_BASE_H_
