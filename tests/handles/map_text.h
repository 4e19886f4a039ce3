// A map's entries as text, read through any descriptor of it (root's own,
// or a read handle in an unprivileged process), so that two readers can be
// compared byte for byte.
#ifndef BPFWARDEN_TESTS_HANDLES_MAP_TEXT_H_
#define BPFWARDEN_TESTS_HANDLES_MAP_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace bpfwarden::testing {

// "KEYHEX VALUEHEX\n" for every entry, sorted: by BPF_MAP_GET_NEXT_KEY and
// BPF_MAP_LOOKUP_ELEM. `value_bytes`: all CPUs' for per-CPU maps.
absl::StatusOr<std::string> EntriesByKeys(int fd, size_t key_size,
                                          size_t value_bytes);

// The same through BPF_MAP_LOOKUP_BATCH (hash maps), 64 entries a call.
absl::StatusOr<std::string> EntriesByBatch(int fd, size_t key_size,
                                           size_t value_bytes);

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_HANDLES_MAP_TEXT_H_
