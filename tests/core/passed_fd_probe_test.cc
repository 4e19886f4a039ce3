// What an unprivileged process (uid 65534, no capabilities) may do with a
// map FD that root opened read-only (BPF_F_RDONLY) and passed to it over a
// Unix socket (SCM_RIGHTS), under the kernel's current
// kernel.unprivileged_bpf_disabled: the question of read handles (issue
// 22). Kernels differ: before Linux 6.5 any nonzero value refused every
// bpf() command to a caller without CAP_SYS_ADMIN/CAP_BPF, map FD or not;
// since, only program loads and map creation are gated. The test asserts
// what holds on every kernel and prints (and records) what this one does:
// - writing through the read-only FD is refused (EPERM) always;
// - lookup, get-next-key, batch lookup and object info answer alike: all
//   allowed, or all refused with EPERM, and refused only while the sysctl
//   is nonzero.
#include <bpf/bpf.h>
#include <grp.h>
#include <linux/bpf.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "daemon/base/scm_rights.h"
#include "daemon/base/unique_fd.h"
#include "gtest/gtest.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {
namespace {

// Each command's answer in the child: 0 or the errno.
struct Answers {
  int lookup = -1;
  int next_key = -1;
  int lookup_batch = -1;
  int info = -1;
  int update = -1;
};

int Errno(int rc) { return rc == 0 ? 0 : errno; }

// In the child, as nobody: what the passed FD allows.
Answers TryAll(int fd) {
  Answers a;
  uint32_t key = 1, value = 0, next = 0;
  a.lookup = Errno(bpf_map_lookup_elem(fd, &key, &value));
  a.next_key = Errno(bpf_map_get_next_key(fd, nullptr, &next));
  uint32_t out_batch = 0, keys[4], values[4], count = 4;
  int rc = bpf_map_lookup_batch(fd, nullptr, &out_batch, keys, values, &count,
                                nullptr);
  // ENOENT: the batch reached the end of the map, which it read.
  a.lookup_batch = rc == 0 || errno == ENOENT ? 0 : errno;
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  a.info = Errno(bpf_obj_get_info_by_fd(fd, &info, &len));
  value = 7;
  a.update = Errno(bpf_map_update_elem(fd, &key, &value, BPF_ANY));
  return a;
}

bool SendFd(int sock, int fd) {
  char byte = 0;
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  FdControl control;
  AttachFds(msg, {&fd, 1}, control);
  return sendmsg(sock, &msg, 0) == 1;
}

int ReceiveFd(int sock) {
  char byte = 0;
  iovec iov{&byte, 1};
  FdControl control;
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = sizeof(control.bytes);
  if (recvmsg(sock, &msg, 0) != 1) return -1;
  UniqueFd fd;
  TakeReceivedFds(msg, &fd);
  return fd.Release();
}

// Forks a child that becomes nobody (setresuid drops every capability),
// receives the FD over a socketpair and reports its answers through it.
Answers AsNobodyWithPassedFd(int fd) {
  int socks[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socks) != 0) {
    ADD_FAILURE() << "socketpair: " << std::strerror(errno);
    return {};
  }
  UniqueFd parent(socks[0]), child_end(socks[1]);
  const pid_t pid = fork();
  if (pid == 0) {
    parent.Reset();
    if (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0) {
      _exit(2);
    }
    const int got = ReceiveFd(child_end.get());
    if (got < 0) _exit(3);
    Answers a = TryAll(got);
    _exit(write(child_end.get(), &a, sizeof(a)) == sizeof(a) ? 0 : 4);
  }
  child_end.Reset();
  Answers a;
  EXPECT_GT(pid, 0) << "fork: " << std::strerror(errno);
  if (pid <= 0) return a;
  EXPECT_TRUE(SendFd(parent.get(), fd));
  EXPECT_EQ(read(parent.get(), &a, sizeof(a)), static_cast<ssize_t>(sizeof(a)));
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "child status " << status;
  return a;
}

std::string Said(int err) { return err == 0 ? "ok" : strerrorname_np(err); }

TEST(PassedFdProbeTest, ANobodyWithARootsReadOnlyMapFd) {
  BPFWARDEN_REQUIRE_KERNEL();
  int disabled = -1;
  std::ifstream("/proc/sys/kernel/unprivileged_bpf_disabled") >> disabled;
  ASSERT_GE(disabled, 0) << "cannot read kernel.unprivileged_bpf_disabled";

  UniqueFd map(
      bpf_map_create(BPF_MAP_TYPE_HASH, "passed_fd", 4, 4, 8, nullptr));
  ASSERT_TRUE(map) << "create: " << std::strerror(errno);
  uint32_t key = 1, value = 42;
  ASSERT_EQ(bpf_map_update_elem(map.get(), &key, &value, BPF_ANY), 0);
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(map.get(), &info, &len), 0);
  LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
  UniqueFd read_only(bpf_map_get_fd_by_id_opts(info.id, &ro));
  ASSERT_TRUE(read_only) << "read-only FD: " << std::strerror(errno);

  const Answers a = AsNobodyWithPassedFd(read_only.get());
  utsname uts{};
  uname(&uts);
  const std::string line = absl::StrCat(
      uts.release, " unprivileged_bpf_disabled=", disabled, ": lookup ",
      Said(a.lookup), ", get_next_key ", Said(a.next_key), ", lookup_batch ",
      Said(a.lookup_batch), ", obj_get_info ", Said(a.info), ", update ",
      Said(a.update));
  std::cout << "passed read-only map FD as nobody: " << line << "\n";
  RecordProperty("passed_fd", line);

  // Never a write through a read-only FD.
  EXPECT_EQ(a.update, EPERM);
  // The reads answer alike: the gate is the caller's, not the command's.
  EXPECT_TRUE(a.lookup == 0 || a.lookup == EPERM) << Said(a.lookup);
  EXPECT_EQ(a.next_key, a.lookup);
  EXPECT_EQ(a.lookup_batch, a.lookup);
  EXPECT_EQ(a.info, a.lookup);
  // Refused only while the sysctl says so.
  if (disabled == 0) EXPECT_EQ(a.lookup, 0);
}

}  // namespace
}  // namespace bpfwarden::testing
