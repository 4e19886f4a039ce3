#include "daemon/core/kernel_probes.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cerrno>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "daemon/base/errno_status.h"

namespace bpfwarden {
namespace {

constexpr bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
                        int32_t imm) {
  return bpf_insn{
      .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

// The verifier log's last non-empty line.
std::string LastLine(const char* log) {
  std::string last;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!line.empty()) last = std::string(line);
  }
  return last;
}

// Loads `insns` as a socket filter; the error says why the kernel refused.
absl::StatusOr<UniqueFd> LoadFilter(const bpf_insn* insns, size_t count,
                                    absl::string_view what) {
  char log[4096] = "";
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1, .log_size = sizeof(log),
              .log_buf = log);
  const int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bpfw_probe", "GPL",
                               insns, count, &opts);
  if (fd < 0) {
    const int err = errno;
    const std::string last = LastLine(log);
    return ErrnoStatus(err, absl::StrCat("load the ", what, " probe",
                                         last.empty() ? "" : " (verifier: ",
                                         last, last.empty() ? "" : ")"));
  }
  return UniqueFd(fd);
}

}  // namespace

absl::StatusOr<JiffiesProbe> JiffiesProbe::Create() {
  const bpf_insn insns[] = {
      Insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_jiffies64),  // r0 = jiffies
      Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
  };
  absl::StatusOr<UniqueFd> fd =
      LoadFilter(insns, std::size(insns), "bpf_jiffies64");
  if (!fd.ok()) return fd.status();
  return JiffiesProbe(*std::move(fd));
}

absl::StatusOr<uint32_t> JiffiesProbe::Jiffies() const {
  unsigned char packet[64] = {};  // a socket filter's test run wants data
  LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = packet,
              .data_size_in = sizeof(packet), .repeat = 1);
  if (bpf_prog_test_run_opts(prog_.get(), &run) != 0) {
    return ErrnoStatus(errno, "test run of the bpf_jiffies64 probe");
  }
  return run.retval;
}

absl::Status ProbeAtomicCmpxchg() {
  const bpf_insn insns[] = {
      // *(u64 *)(r10 - 8) = 0
      Insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -8, 0),
      // r0 = 0; r1 = 1
      Insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
      Insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
      // r0 = cmpxchg((u64 *)(r10 - 8), r0, r1)
      Insn(BPF_STX | BPF_ATOMIC | BPF_DW, BPF_REG_10, BPF_REG_1, -8,
           BPF_CMPXCHG),
      Insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
      Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
  };
  absl::StatusOr<UniqueFd> fd =
      LoadFilter(insns, std::size(insns), "atomic cmpxchg");
  return fd.status();
}

}  // namespace bpfwarden
