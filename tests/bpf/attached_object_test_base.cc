#include "tests/bpf/attached_object_test_base.h"

#include "gmock/gmock.h"
#include "tests/testing/cgroup_query.h"

namespace bpfwarden::testing {

void AttachedObjectTestBase::LoadAndAttach(
    const std::string& tag, const std::vector<std::string>& programs,
    const std::vector<v1::GlobalValue>& globals, BuiltinVariant variant) {
  auto scope = TestScope::Create(tag);
  ASSERT_TRUE(scope.ok()) << scope.status();
  scope_.emplace(*std::move(scope));
  auto obj = DefaultObject::Load(scope_->pins(), globals, variant);
  ASSERT_TRUE(obj.ok()) << obj.status();
  obj_.emplace(std::move(*obj));
  for (const std::string& name : programs) {
    auto link = obj_->Attach(name, scope_->cgroup());
    ASSERT_TRUE(link.ok()) << link.status();
    links_.push_back(std::move(*link));
  }
  auto attached =
      AttachedProgramIds(scope_->cgroup().path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  ASSERT_EQ(attached->size(), programs.size());
}

void AttachedObjectTestBase::TearDown() {
  links_.clear();  // bpf_link: detaches synchronously
  obj_.reset();
  if (scope_) {
    EXPECT_THAT(scope_->Finish(), ::testing::IsEmpty());
  }
}

int AttachedObjectTestBase::MapFd(const std::string& name) {
  auto fd = obj_->MapFd(name);
  EXPECT_TRUE(fd.ok()) << fd.status();
  return fd.ok() ? *fd : -1;
}

}  // namespace bpfwarden::testing
