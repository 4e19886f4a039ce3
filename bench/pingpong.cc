// bench_tool --mode=pingpong: one byte to a child process over a Unix socket
// pair and back, in a closed loop. No gRPC and no BPF: the floor any
// request/response between two processes pays on this machine (two
// wake-ups, usually on different CPUs).
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "bench/bench_tool.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::bench {

absl::StatusOr<Result> UnixPingPong(double seconds) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return ErrnoStatus(errno, "socketpair");
  }
  UniqueFd ours(fds[0]), theirs(fds[1]);
  const pid_t child = fork();
  if (child < 0) return ErrnoStatus(errno, "fork");
  if (child == 0) {
    ours.Reset();
    char c;
    while (read(theirs.get(), &c, 1) == 1) {
      if (write(theirs.get(), &c, 1) != 1) break;
    }
    _exit(0);
  }
  theirs.Reset();
  Result result;
  const Clock::time_point start = Clock::now();
  char c = 'x';
  while (SecondsSince(start) < seconds) {
    const Clock::time_point t = Clock::now();
    if (write(ours.get(), &c, 1) != 1 || read(ours.get(), &c, 1) != 1) {
      ++result.errors;
      break;
    }
    result.latencies_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    ++result.count;
  }
  result.seconds = SecondsSince(start);
  ours.Reset();  // the child reads EOF and exits
  waitpid(child, nullptr, 0);
  return result;
}

}  // namespace bpfwarden::bench
