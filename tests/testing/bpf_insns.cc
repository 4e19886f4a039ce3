#include "tests/testing/bpf_insns.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::testing {

int CountNewAtomics(std::span<const bpf_insn> insns) {
  int count = 0;
  for (const bpf_insn& insn : insns) {
    if (BPF_CLASS(insn.code) == BPF_STX && BPF_MODE(insn.code) == BPF_ATOMIC &&
        insn.imm != BPF_ADD) {
      ++count;
    }
  }
  return count;
}

absl::StatusOr<std::map<std::string, int>> NewAtomicsPerProgram(
    std::span<const uint8_t> elf) {
  BpfObjectPtr obj(bpf_object__open_mem(elf.data(), elf.size(), nullptr));
  if (!obj) return ErrnoStatus(errno, "open the object");
  std::map<std::string, int> out;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj.get()) {
    out[bpf_program__name(prog)] = CountNewAtomics(
        {bpf_program__insns(prog), bpf_program__insn_cnt(prog)});
  }
  return out;
}

absl::StatusOr<std::vector<bpf_insn>> XlatedInsns(uint32_t prog_id) {
  UniqueFd fd(bpf_prog_get_fd_by_id(prog_id));
  if (!fd) return ErrnoStatus(errno, absl::StrCat("program id ", prog_id));
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) {
    return ErrnoStatus(errno, "program info");
  }
  std::vector<bpf_insn> insns(info.xlated_prog_len / sizeof(bpf_insn));
  bpf_prog_info again{};
  again.xlated_prog_len = insns.size() * sizeof(bpf_insn);
  again.xlated_prog_insns = reinterpret_cast<uint64_t>(insns.data());
  len = sizeof(again);
  if (bpf_obj_get_info_by_fd(fd.get(), &again, &len) != 0) {
    return ErrnoStatus(errno, "program instructions");
  }
  return insns;
}

}  // namespace bpfwarden::testing
