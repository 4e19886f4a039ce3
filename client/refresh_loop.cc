#include "client/refresh_loop.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"

ABSL_FLAG(double, n, 2, "top, watch: seconds between refreshes");
ABSL_FLAG(uint32_t, iterations, 0,
          "top, watch: stop after N refreshes (0: until q or Ctrl-C)");

namespace bpfwarden::cli {
namespace {

std::atomic<bool> interrupted{false};

void OnSigint(int) { interrupted = true; }

}  // namespace

absl::StatusOr<RefreshLoop::Options> RefreshLoop::OptionsFromFlags() {
  const double seconds = absl::GetFlag(FLAGS_n);
  if (!(seconds > 0)) {
    return absl::InvalidArgumentError("-n: want seconds > 0");
  }
  return Options{.interval = absl::Seconds(seconds),
                 .rounds = absl::GetFlag(FLAGS_iterations)};
}

RefreshLoop::RefreshLoop(const Options& options)
    : interval_(options.interval), rounds_(options.rounds) {
  struct sigaction action{};
  action.sa_handler = OnSigint;  // no SA_RESTART: poll returns EINTR
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &saved_sigint_);
  if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved_) == 0) {
    struct termios raw = saved_;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    raw_terminal_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
}

RefreshLoop::~RefreshLoop() {
  if (raw_terminal_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  sigaction(SIGINT, &saved_sigint_, nullptr);
}

bool RefreshLoop::Next() {
  ++done_;
  if (rounds_ > 0 && done_ >= rounds_) return false;
  const absl::Time end = absl::Now() + interval_;
  while (!interrupted) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    struct pollfd fd{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
    const int n = poll(raw_terminal_ ? &fd : nullptr, raw_terminal_ ? 1 : 0,
                       static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n > 0 && (fd.revents & POLLIN)) {
      char c = 0;
      if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q')) {
        return false;
      }
    }
  }
  return false;
}

}  // namespace bpfwarden::cli
