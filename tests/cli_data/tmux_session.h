// A command in a real terminal: a detached tmux session on its own server
// socket, driven with send-keys and read with capture-pane; the server is
// killed when the session goes out of scope.
#ifndef BPFWARDEN_TESTS_CLI_DATA_TMUX_SESSION_H_
#define BPFWARDEN_TESTS_CLI_DATA_TMUX_SESSION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

class TmuxSession {
 public:
  // Runs `command` (a shell command line) in a `width` x `height` pane.
  // FailedPrecondition when tmux is not installed (tools/setup installs it).
  static absl::StatusOr<std::unique_ptr<TmuxSession>> Start(
      const std::string& tag, const std::string& command, int width,
      int height);
  ~TmuxSession();

  // The pane's text, wrapped lines joined (so a line wider than the pane
  // shows as one long line).
  absl::StatusOr<std::vector<std::string>> Capture() const;
  // Types `keys` (tmux key names, e.g. "q").
  absl::Status SendKeys(const std::string& keys) const;
  // Whether some line of the pane contains `text`, waiting up to `seconds`.
  bool WaitForText(const std::string& text, double seconds) const;

 private:
  explicit TmuxSession(std::string socket) : socket_(std::move(socket)) {}
  absl::StatusOr<std::string> Tmux(const std::vector<std::string>& args) const;

  std::string socket_;
};

// Display columns of UTF-8 `line` (one a code point).
size_t DisplayColumns(const std::string& line);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_CLI_DATA_TMUX_SESSION_H_
