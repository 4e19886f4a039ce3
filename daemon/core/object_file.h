// BPF ELF objects: sanity checks and in-daemon linking with libbpf's linker.
#ifndef BPFWARDEN_DAEMON_CORE_OBJECT_FILE_H_
#define BPFWARDEN_DAEMON_CORE_OBJECT_FILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// One input object: its bytes and a label for errors (its path, or
// "builtin", "blob 2").
struct ObjectInput {
  std::string label;
  std::string bytes;
};

// Reads an object file; NotFound when it does not exist.
absl::StatusOr<ObjectInput> ReadObjectFile(const std::string& path);

// InvalidArgument unless `input` is a complete 64-bit little-endian ELF
// relocatable object for the BPF machine: "not an ELF file", "truncated"
// (a section or the section header table lies past the end), and so on.
absl::Status CheckBpfElf(const ObjectInput& input);

// Checks every input and links them into one object with bpf_linker
// (in memory, through memfds). A single input is returned as it is.
absl::StatusOr<std::string> LinkObjects(const std::vector<ObjectInput>& inputs);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_OBJECT_FILE_H_
