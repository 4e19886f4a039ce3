// The clock of top and watch: waits an interval between rounds, quits on
// `q` (when stdin is a terminal, read unbuffered and unechoed meanwhile),
// Ctrl-C, or after a number of rounds.
#ifndef BPFWARDEN_CLIENT_REFRESH_LOOP_H_
#define BPFWARDEN_CLIENT_REFRESH_LOOP_H_

#include <signal.h>
#include <termios.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace bpfwarden::cli {

class RefreshLoop {
 public:
  struct Options {
    absl::Duration interval;
    uint32_t rounds = 0;  // 0: until quit
  };
  // -n SECONDS (> 0, else InvalidArgument) and --iterations.
  static absl::StatusOr<Options> OptionsFromFlags();

  explicit RefreshLoop(const Options& options);
  ~RefreshLoop();  // restores the terminal and SIGINT
  RefreshLoop(const RefreshLoop&) = delete;
  RefreshLoop& operator=(const RefreshLoop&) = delete;

  // Counts a round done; then waits the interval. False when it is time to
  // stop (q, Ctrl-C, the last round).
  bool Next();

 private:
  absl::Duration interval_;
  uint32_t rounds_;
  uint32_t done_ = 0;
  bool raw_terminal_ = false;
  struct termios saved_{};
  struct sigaction saved_sigint_{};
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_REFRESH_LOOP_H_
