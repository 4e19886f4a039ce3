#include "tests/cli_data/tmux_session.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/testing/run_as.h"
#include "tests/testing/wait_for.h"

namespace bpfwarden::testing {
namespace {

constexpr char kTmux[] = "/usr/bin/tmux";

}  // namespace

absl::StatusOr<std::unique_ptr<TmuxSession>> TmuxSession::Start(
    const std::string& tag, const std::string& command, int width,
    int height) {
  if (access(kTmux, X_OK) != 0) {
    return absl::FailedPreconditionError(
        "tmux is not installed (Debian's package tmux; tools/setup installs "
        "it): the terminal tests need it");
  }
  std::unique_ptr<TmuxSession> session(
      new TmuxSession(absl::StrCat("bpfwarden-test-", tag, "-", getpid())));
  absl::StatusOr<std::string> started = session->Tmux(
      {"new-session", "-d", "-s", "t", "-x", absl::StrCat(width), "-y",
       absl::StrCat(height), command});
  if (!started.ok()) return started.status();
  return session;
}

TmuxSession::~TmuxSession() { (void)Tmux({"kill-server"}); }

absl::StatusOr<std::string> TmuxSession::Tmux(
    const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kTmux, "-L", socket_, "-f", "/dev/null"};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<RunResult> result = RunProgram(argv);
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("tmux ", args[0], " failed: ", result->err));
  }
  return result->out;
}

absl::StatusOr<std::vector<std::string>> TmuxSession::Capture() const {
  absl::StatusOr<std::string> text =
      Tmux({"capture-pane", "-p", "-J", "-t", "t"});
  if (!text.ok()) return text.status();
  return std::vector<std::string>(absl::StrSplit(*text, '\n'));
}

absl::Status TmuxSession::SendKeys(const std::string& keys) const {
  return Tmux({"send-keys", "-t", "t", keys}).status();
}

bool TmuxSession::WaitForText(const std::string& text, double seconds) const {
  return WaitFor(
      [&] {
        absl::StatusOr<std::vector<std::string>> lines = Capture();
        if (!lines.ok()) return false;
        for (const std::string& line : *lines) {
          if (absl::StrContains(line, text)) return true;
        }
        return false;
      },
      seconds, 50);
}

size_t DisplayColumns(const std::string& line) {
  size_t columns = 0;
  for (unsigned char c : line) {
    if ((c & 0xc0) != 0x80) ++columns;
  }
  return columns;
}

}  // namespace bpfwarden::testing
