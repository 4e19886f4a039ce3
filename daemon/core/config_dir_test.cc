#include "daemon/core/config_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(ConfigDirTest, MergesFilesInOrder) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/merge";
  std::filesystem::create_directories(dir);
  Write(dir + "/10-a.textproto",
        "program_sets { name: \"a\" builtin: true }\n");
  Write(dir + "/20-b.textproto",
        "attachments { program_set: \"a\" program: \"p\" cgroup: \"/\" }\n");
  Write(dir + "/ignored.txt", "not parsed");
  auto config = ReadConfigDir(dir);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->program_sets_size(), 1);
  EXPECT_TRUE(config->program_sets(0).builtin());
  EXPECT_EQ(config->attachments(0).cgroup(), "/");
}

TEST(ConfigDirTest, ParseErrorNamesFileAndLine) {
  auto config =
      ParseConfigText("program_sets {\n  nme: \"x\"\n}\n", "f.textproto");
  ASSERT_THAT(config, StatusIs(absl::StatusCode::kInvalidArgument,
                               "f.textproto: line 2"));
}

TEST(ConfigDirTest, DuplicateSetAndMissingDir) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/dup";
  std::filesystem::create_directories(dir);
  Write(dir + "/a.textproto", "program_sets { name: \"x\" }\n");
  Write(dir + "/b.textproto", "program_sets { name: \"x\" }\n");
  EXPECT_THAT(ReadConfigDir(dir), StatusIs(absl::StatusCode::kInvalidArgument));
  auto empty = ReadConfigDir(dir + "/none");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->program_sets_size(), 0);
}

}  // namespace
}  // namespace bpfwarden
