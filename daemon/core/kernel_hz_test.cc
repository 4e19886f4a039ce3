#include "daemon/core/kernel_hz.h"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace bpfwarden {
namespace {

using ::bpfwarden::testing::StatusIs;

TEST(ParseKconfigHzTest, FindsTheHzLineAmongOthers) {
  const std::string text =
      "#\n# Automatically generated file; DO NOT EDIT.\n"
      "CONFIG_HZ_250=y\n# CONFIG_HZ_1000 is not set\nCONFIG_HZ=250\n"
      "CONFIG_BPF=y\n";
  EXPECT_EQ(*ParseKconfigHz(text), 250u);
  EXPECT_EQ(*ParseKconfigHz("CONFIG_HZ=1000"), 1000u);  // no newline
  EXPECT_EQ(*ParseKconfigHz("CONFIG_HZ=100\r\n"), 100u);
}

TEST(ParseKconfigHzTest, RefusesWhatIsNotALegalHz) {
  EXPECT_THAT(ParseKconfigHz("CONFIG_HZ_300=y\n# CONFIG_HZ is not set\n"),
              StatusIs(absl::StatusCode::kNotFound, "no CONFIG_HZ line"));
  EXPECT_THAT(ParseKconfigHz(""), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ParseKconfigHz("CONFIG_HZ=240\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "CONFIG_HZ=240 is not one of 100, 250, 300, 1000"));
  EXPECT_THAT(ParseKconfigHz("CONFIG_HZ=\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseKconfigHz("CONFIG_HZ=99999999999999999999\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseKconfigHz("CONFIG_HZ=250x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(NearestLegalHzTest, RoundsWithinFivePercentAndRefusesTheRest) {
  EXPECT_EQ(*NearestLegalHz(98.0), 100u);
  EXPECT_EQ(*NearestLegalHz(247.5), 250u);
  EXPECT_EQ(*NearestLegalHz(302.0), 300u);
  EXPECT_EQ(*NearestLegalHz(1012.0), 1000u);
  EXPECT_THAT(NearestLegalHz(275.0),
              StatusIs(absl::StatusCode::kOutOfRange,
                       "measured 275.0 jiffies a second"));
  EXPECT_THAT(NearestLegalHz(0.0), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(NearestLegalHz(5000.0), StatusIs(absl::StatusCode::kOutOfRange));
}

class KconfigFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const {
    return absl::StrCat(::testing::TempDir(), "/", name);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
    return Path(name);
  }
  std::string WriteGzip(const std::string& name,
                        const std::string& text) const {
    gzFile out = gzopen(Path(name).c_str(), "wb");
    EXPECT_NE(out, nullptr);
    gzwrite(out, text.data(), text.size());
    gzclose(out);
    return Path(name);
  }
};

TEST_F(KconfigFileTest, TheFirstFileThatExistsSays) {
  const std::string boot = Write("config-x", "CONFIG_HZ=300\n");
  const std::string gz = WriteGzip("config.gz", "CONFIG_HZ=1000\n");
  absl::StatusOr<KernelHz> hz = ReadKconfigFileHz({boot, gz});
  ASSERT_TRUE(hz.ok()) << hz.status();
  EXPECT_EQ(hz->hz, 300u);
  EXPECT_EQ(hz->source, "kconfig file " + boot);
  hz = ReadKconfigFileHz({Path("absent"), gz});
  ASSERT_TRUE(hz.ok()) << hz.status();
  EXPECT_EQ(hz->hz, 1000u);
  EXPECT_EQ(hz->source, "kconfig file " + gz);
}

TEST_F(KconfigFileTest, NoFileIsNotFoundAndABadOneSaysWhy) {
  EXPECT_THAT(ReadKconfigFileHz({Path("absent"), Path("absent.gz")}),
              StatusIs(absl::StatusCode::kNotFound, "no kernel config file"));
  const std::string bad = Write("config-bad", "CONFIG_HZ=42\n");
  EXPECT_THAT(ReadKconfigFileHz({bad}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       bad + ": CONFIG_HZ=42 is not one of"));
  const std::string empty = Write("config-empty", "");
  EXPECT_THAT(ReadKconfigFileHz({empty}),
              StatusIs(absl::StatusCode::kNotFound, empty + ": no CONFIG_HZ"));
  // A file named .gz that is not gzip is read as it is (zlib's
  // transparent mode), as libbpf does.
  const std::string plain = Write("plain.gz", "CONFIG_HZ=250\n");
  EXPECT_EQ(ReadKconfigFileHz({plain})->hz, 250u);
}

TEST(KconfigFilePathsTest, BootConfigOfThisKernelThenProcConfigGz) {
  const std::vector<std::string> paths = KconfigFilePaths();
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(paths[0], "/boot/config-")) << paths[0];
  EXPECT_EQ(paths[1], "/proc/config.gz");
}

}  // namespace
}  // namespace bpfwarden
