#include "tests/testing/refused_bpf_command.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <thread>

#include "daemon/base/errno_status.h"

namespace bpfwarden::testing {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kArch = AUDIT_ARCH_AARCH64;
#else
#error "RunWithBpfCommandRefused: add this architecture's AUDIT_ARCH_*"
#endif

// The low 32 bits of the first argument (the bpf command).
constexpr uint32_t kCmdOffset =
    offsetof(seccomp_data, args[0]) +
    (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? sizeof(uint32_t) : 0);

// Installs, on the calling thread only, a filter that fails bpf(cmd, ...)
// with `err` and allows everything else.
absl::Status RefuseOnThisThread(bpf_cmd cmd, int err) {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kCmdOffset),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(cmd), 0, 1),
      BPF_STMT(
          BPF_RET | BPF_K,
          SECCOMP_RET_ERRNO | (static_cast<uint32_t>(err) & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog = {
      .len = static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])),
      .filter = filter,
  };
  // Per thread, like the filter: the rest of the process keeps its
  // privileges.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return ErrnoStatus(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  }
  // No SECCOMP_FILTER_FLAG_TSYNC: this thread alone.
  if (::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
    return ErrnoStatus(errno, "seccomp(SECCOMP_SET_MODE_FILTER)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunWithBpfCommandRefused(bpf_cmd cmd, int err,
                                      absl::FunctionRef<void()> fn) {
  absl::Status installed;
  std::thread thread([&] {
    installed = RefuseOnThisThread(cmd, err);
    if (installed.ok()) fn();
  });
  thread.join();
  return installed;
}

}  // namespace bpfwarden::testing
