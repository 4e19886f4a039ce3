#include "tests/bpf/attached_object_test_base.h"

#include <unistd.h>

#include <algorithm>

#include "tests/testing/cgroup_query.h"

namespace bpfwarden::testing {

void AttachedObjectTestBase::LoadAndAttach(
    const std::string& tag, const std::vector<std::string>& programs) {
  auto pins = ScopedPinDir::Create(tag);
  ASSERT_TRUE(pins.ok()) << pins.status();
  pins_.emplace(std::move(*pins));
  auto cgroup = ScopedCgroup::Create(tag);
  ASSERT_TRUE(cgroup.ok()) << cgroup.status();
  cgroup_.emplace(std::move(*cgroup));
  auto obj = DefaultObject::Load(*pins_);
  ASSERT_TRUE(obj.ok()) << obj.status();
  obj_.emplace(std::move(*obj));
  for (const std::string& name : programs) {
    auto link = obj_->Attach(name, *cgroup_);
    ASSERT_TRUE(link.ok()) << link.status();
    links_.push_back(std::move(*link));
  }
  auto attached = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
  ASSERT_TRUE(attached.ok()) << attached.status();
  ASSERT_EQ(attached->size(), programs.size());
}

void AttachedObjectTestBase::TearDown() {
  links_.clear();  // bpf_link: detaches synchronously
  if (cgroup_) {
    auto attached = AttachedProgramIds(cgroup_->path(), BPF_CGROUP_SOCK_OPS);
    ASSERT_TRUE(attached.ok()) << attached.status();
    EXPECT_TRUE(attached->empty()) << "programs left on " << cgroup_->path();
    const std::string path = cgroup_->path();
    cgroup_.reset();
    EXPECT_NE(::access(path.c_str(), F_OK), 0) << path << " not removed";
  }
  obj_.reset();
  if (pins_) {
    const std::string path = pins_->path();
    pins_.reset();
    EXPECT_NE(::access(path.c_str(), F_OK), 0) << path << " not removed";
  }
}

int AttachedObjectTestBase::MapFd(const std::string& name) {
  auto fd = obj_->MapFd(name);
  EXPECT_TRUE(fd.ok()) << fd.status();
  return fd.ok() ? *fd : -1;
}

std::string AttachedObjectTestBase::TestTag() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string tag = std::string(info->test_suite_name()) + "-" + info->name();
  std::replace(tag.begin(), tag.end(), '/', '-');
  std::replace(tag.begin(), tag.end(), '.', '-');
  return tag;
}

}  // namespace bpfwarden::testing
