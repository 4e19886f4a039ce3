#include "daemon/core/set_loader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

v1::KconfigOverride Kconfig(const std::string& name, const std::string& value) {
  v1::KconfigOverride o;
  o.set_name(name);
  o.set_value(value);
  return o;
}

TEST(SetLoaderTest, KconfigText) {
  auto text =
      KconfigText({Kconfig("CONFIG_HZ", "100"), Kconfig("CONFIG_BPF", "y")});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "CONFIG_HZ=100\nCONFIG_BPF=y\n");
  EXPECT_THAT(KconfigText({Kconfig("HZ", "100")}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(KconfigText({Kconfig("CONFIG_HZ", "1\nCONFIG_X=y")}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(KconfigText({Kconfig("CONFIG_HZ", "")}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SetLoaderTest, LogTailKeepsLastLines) {
  EXPECT_EQ(LogTail("a\nb\nc\nd\n", 2), "c\nd");
  EXPECT_EQ(LogTail("only", 5), "only");
}

}  // namespace
}  // namespace bpfwarden

namespace bpfwarden {
namespace {

TEST(SetLoaderTest, LogBuffersAreCappedInTotal) {
  EXPECT_EQ(VerifierLogSize(1, false), size_t{1} << 20);
  EXPECT_EQ(VerifierLogSize(1, true), size_t{16} << 20);
  // 256 programs with the full log: 64 MiB in all, not 4 GiB.
  EXPECT_EQ(VerifierLogSize(kMaxProgramsPerSet, true) * kMaxProgramsPerSet,
            size_t{64} << 20);
}

// A log longer than the bound keeps its last whole lines, within the bound;
// a shorter one is kept whole.
TEST(SetLoaderTest, KeptVerifierLogIsABoundedTail) {
  std::string log;
  for (int i = 0; log.size() < 3 * kKeptVerifierLogBytes; ++i) {
    absl::StrAppend(&log, "line ", i, ": R1=scalar() R2=ctx()\n");
  }
  const std::string kept = KeptVerifierLog(log);
  EXPECT_LE(kept.size(), kKeptVerifierLogBytes);
  EXPECT_GT(kept.size(), kKeptVerifierLogBytes - 64);
  EXPECT_TRUE(log.ends_with(kept));
  EXPECT_TRUE(kept.starts_with("line ")) << kept.substr(0, 40);
  EXPECT_EQ(KeptVerifierLog("short\nlog\n"), "short\nlog\n");
}

}  // namespace
}  // namespace bpfwarden
