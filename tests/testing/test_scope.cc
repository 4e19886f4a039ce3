#include "tests/testing/test_scope.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "daemon/core/cgroup_link.h"
#include "daemon/core/names.h"
#include "gtest/gtest.h"

namespace bpfwarden::testing {

std::string CurrentTestTag() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string tag = absl::StrCat(info->test_suite_name(), "-", info->name());
  std::replace(tag.begin(), tag.end(), '/', '-');
  std::replace(tag.begin(), tag.end(), '.', '-');
  return tag;
}

std::vector<std::string> AttachedAnyType(const std::string& cgroup) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<CgroupProgram>> programs = QueryCgroup(cgroup);
  if (!programs.ok()) {
    out.push_back(absl::StrCat("query failed: ", programs.status().ToString()));
    return out;
  }
  for (const CgroupProgram& p : *programs) {
    out.push_back(absl::StrCat(AttachTypeName(p.type), ":", p.program_id, ":",
                               p.program_name));
  }
  return out;
}

absl::StatusOr<TestScope> TestScope::Create(const std::string& tag) {
  absl::StatusOr<ScopedPinDir> pins = ScopedPinDir::Create(tag);
  if (!pins.ok()) return pins.status();
  absl::StatusOr<ScopedCgroup> cgroup = ScopedCgroup::Create(tag);
  if (!cgroup.ok()) return cgroup.status();
  return TestScope(*std::move(pins), *std::move(cgroup));
}

TestScope::TestScope(ScopedPinDir pins, ScopedCgroup cgroup) {
  pins_.emplace(std::move(pins));
  cgroup_.emplace(std::move(cgroup));
}

std::vector<std::string> TestScope::Finish() {
  std::vector<std::string> residue;
  if (cgroup_) {
    for (const std::string& p : AttachedAnyType(cgroup_->path())) {
      residue.push_back("attached: " + p);
    }
    const std::string path = cgroup_->path();
    cgroup_.reset();
    if (std::filesystem::exists(path)) residue.push_back("cgroup: " + path);
  }
  if (pins_) {
    const std::string path = pins_->path();
    pins_.reset();
    if (std::filesystem::exists(path)) residue.push_back("pin dir: " + path);
  }
  return residue;
}

}  // namespace bpfwarden::testing
