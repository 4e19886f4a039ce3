// The CLI in a real terminal (tmux): top's screen fits the pane and `q`
// quits it; a long dump shows its progress line on the terminal, then
// clears it.
#include <bpf/bpf.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "tests/cli_data/cli_data_fixture.h"
#include "tests/cli_data/tmux_session.h"
#include "tests/testing/kernel_env.h"
#include "tests/testing/runfiles.h"
#include "tests/testing/time_scale.h"

namespace bpfwarden::testing {
namespace {

constexpr int kWidth = 100, kHeight = 30;

std::string PaneText(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) absl::StrAppend(&text, line, "\n");
  return text;
}

TEST_F(CliDataTest, TopFitsThePaneAndQuitsOnQ) {
  BPFWARDEN_REQUIRE_KERNEL();
  StartAndAttach("cli-tmux-top");
  MakeTraffic(3, /*ipv6=*/true);
  const std::string command = absl::StrCat(
      Runfile("client/bpfwarden"), " --socket=", daemon_->socket_path(),
      " top ", kSet, " tcp_stats --sort bytes_received -n 0.5; echo EXIT-$?; "
      "sleep 60");
  auto tmux = TmuxSession::Start("top", command, kWidth, kHeight);
  ASSERT_TRUE(tmux.ok()) << tmux.status();
  ASSERT_TRUE((*tmux)->WaitForText("(q quits)", Scaled(10)));
  absl::StatusOr<std::vector<std::string>> screen = (*tmux)->Capture();
  ASSERT_TRUE(screen.ok()) << screen.status();
  const std::string text = PaneText(*screen);
  EXPECT_TRUE(absl::StrContains(text, "bpfwarden top bpfwarden/tcp_stats"))
      << text;
  int rows = 0;
  for (const std::string& line : *screen) {
    EXPECT_LE(DisplayColumns(line), static_cast<size_t>(kWidth)) << line;
    if (absl::StrContains(line, "TCP_STATS_")) ++rows;
  }
  EXPECT_GE(rows, 4) << text;  // both sides, IPv4 and IPv6
  ASSERT_TRUE((*tmux)->SendKeys("q").ok());
  EXPECT_TRUE((*tmux)->WaitForText("EXIT-0", Scaled(5)))
      << PaneText(*(*tmux)->Capture());
}

// A pinned hash map of `entries` 8-byte keys and values (no BTF).
void FillBigMap(const std::string& pin, uint32_t entries) {
  UniqueFd fd(bpf_map_create(BPF_MAP_TYPE_HASH, "cli_big", 8, 8, entries,
                             nullptr));
  ASSERT_TRUE(fd) << "bpf_map_create: errno " << errno;
  constexpr uint32_t kChunk = 50000;
  std::vector<uint64_t> keys(kChunk), values(kChunk);
  for (uint32_t start = 0; start < entries; start += kChunk) {
    uint32_t n = std::min(kChunk, entries - start);
    for (uint32_t i = 0; i < n; ++i) keys[i] = values[i] = start + i;
    ASSERT_EQ(bpf_map_update_batch(fd.get(), keys.data(), values.data(), &n,
                                   nullptr),
              0)
        << "errno " << errno;
  }
  ASSERT_EQ(bpf_obj_pin(fd.get(), pin.c_str()), 0) << "errno " << errno;
}

TEST_F(CliDataTest, LongDumpShowsProgressThenClearsIt) {
  BPFWARDEN_REQUIRE_KERNEL();
  ASSERT_NO_FATAL_FAILURE(StartDaemon("cli-tmux-dump"));
  const std::string pin = pins_->path() + "/big";
  constexpr uint32_t kEntries = 200000;
  FillBigMap(pin, kEntries);
  const std::string out = work_->path() + "/dump.txt";
  const std::string rc = work_->path() + "/rc";
  // stdout into a pipe read slowly (nothing for 2 s, then a line at a time
  // by the shell), so the dump blocks on it and lasts seconds however fast
  // the machine is; stderr (the progress) on the terminal.
  const std::string command = absl::StrCat(
      "{ ", Runfile("client/bpfwarden"), " --direct --pin_root=", pins_->path(),
      " dump ", pin, " -o wide; echo $? > ", rc, "; } | ",
      R"((sleep 2; while IFS= read -r l; do printf '%s\n' "$l"; done) > )",
      out, "; echo DONE-$(cat ", rc, "); sleep 60");
  auto tmux = TmuxSession::Start("dump", command, kWidth, kHeight);
  ASSERT_TRUE(tmux.ok()) << tmux.status();
  EXPECT_TRUE((*tmux)->WaitForText(" entries, ", Scaled(20)))
      << "no progress line: " << PaneText(*(*tmux)->Capture());
  ASSERT_TRUE((*tmux)->WaitForText("DONE-0", Scaled(60)))
      << PaneText(*(*tmux)->Capture());
  const std::string after = PaneText(*(*tmux)->Capture());
  EXPECT_FALSE(absl::StrContains(after, "entries")) << after;
  std::ifstream dumped(out);
  size_t lines = 0;
  for (std::string line; std::getline(dumped, line);) ++lines;
  EXPECT_EQ(lines, kEntries + 1u);  // the header and every entry

  // Not on a terminal: no progress at all.
  absl::StatusOr<RunResult> quiet =
      RunProgram({Runfile("client/bpfwarden"), "--direct",
                  "--pin_root=" + pins_->path(), "dump", pin, "-o", "raw"});
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_EQ(quiet->exit_code, 0);
  EXPECT_EQ(quiet->err, "");
}

}  // namespace
}  // namespace bpfwarden::testing
