// Crafting hostile BPF objects in tests: edits to a built object's .BTF
// section, made in place so that every other offset stays valid.
#ifndef BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_
#define BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

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

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_TESTING_ELF_PATCH_H_
