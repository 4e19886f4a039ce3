// Crafting hostile BPF objects in tests: edits to a built object's .BTF
// and .bw_log_sites sections, made in place so that every other offset
// stays valid.
#ifndef BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_
#define BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "bpf/include/bpfwarden/log.h"

namespace bpfwarden::testing {

// Replaces the NUL-terminated string `from` (a whole string) in section
// `section` (".BTF" for map names, ".strtab" for program names) with `to`,
// which must have the same length. NotFound when it is not there.
absl::Status ReplaceString(std::string* elf, absl::string_view section,
                           absl::string_view from, absl::string_view to);

// Sets the offset of every variable of the BTF DATASEC `section` (e.g.
// ".rodata") to `offset`.
absl::Status SetDatasecVarOffsets(std::string* elf, absl::string_view section,
                                  uint32_t offset);

// Calls `edit` on the header of the log call site (bpf/include/bpfwarden/
// log.h) whose format is `format` and writes it back. NotFound when no
// site has that format.
absl::Status EditLogSite(std::string* elf, absl::string_view format,
                         const std::function<void(bw_log_site&)>& edit);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_
