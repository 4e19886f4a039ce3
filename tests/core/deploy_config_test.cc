// The shipped example configuration (deploy/config/bpfwarden.textproto, what
// `tools/run` starts on) parses, and names programs the builtin object has,
// attached at the cgroup v2 root. No kernel needed: the object is only opened.
#include <bpf/libbpf.h>

#include <set>

#include "bpf/bpfwarden_embedded.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/config_dir.h"
#include "gtest/gtest.h"
#include "tests/testing/files.h"
#include "tests/testing/runfiles.h"

namespace bpfwarden {
namespace {

TEST(DeployConfigTest, ExampleMatchesBuiltinObject) {
  const std::string path =
      testing::Runfile("deploy/config/bpfwarden.textproto");
  auto config = ParseConfigText(testing::ReadFile(path), path);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->program_sets_size(), 1);
  EXPECT_TRUE(config->program_sets(0).builtin());

  std::span<const uint8_t> elf = embedded::BpfwardenObject();
  BpfObjectPtr obj(bpf_object__open_mem(elf.data(), elf.size(), nullptr));
  ASSERT_NE(obj, nullptr);
  std::set<std::string> programs;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj.get())
      programs.insert(bpf_program__name(prog));

  std::set<std::string> attached;
  for (const v1::Attachment& a : config->attachments()) {
    EXPECT_EQ(a.program_set(), config->program_sets(0).name());
    EXPECT_EQ(a.cgroup(), "/") << "the example attaches at the cgroup v2 root";
    EXPECT_TRUE(programs.count(a.program())) << a.program();
    attached.insert(a.program());
  }
  // Every program of the builtin set is attached by the example.
  EXPECT_EQ(attached, programs);
}

}  // namespace
}  // namespace bpfwarden
