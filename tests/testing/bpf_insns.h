// BPF instructions as the tests look at them: which programs hold a
// compare-and-swap (the instruction kernels before 5.12 refuse).
#ifndef BPFWARDEN_TESTS_TESTING_BPF_INSNS_H_
#define BPFWARDEN_TESTS_TESTING_BPF_INSNS_H_

#include <linux/bpf.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// BPF_ATOMIC instructions other than a plain add (cmpxchg, xchg, fetch
// forms, and/or/xor): none of them loads before Linux 5.12.
int CountNewAtomics(std::span<const bpf_insn> insns);

// Per program of an ELF object (opened with libbpf, not loaded): its
// CountNewAtomics.
absl::StatusOr<std::map<std::string, int>> NewAtomicsPerProgram(
    std::span<const uint8_t> elf);

// The instructions of a loaded program as the kernel kept them (xlated).
absl::StatusOr<std::vector<bpf_insn>> XlatedInsns(uint32_t prog_id);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_BPF_INSNS_H_
