// Which element methods each BPF map type supports, and with which key
// shape: one table that every reader and writer of elements goes through.
#ifndef BPFWARDEN_DAEMON_MAPS_ELEMENT_ACCESS_H_
#define BPFWARDEN_DAEMON_MAPS_ELEMENT_ACCESS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bpfwarden {

// The element methods, as the API offers them (Maps.Watch is a Dump that
// repeats).
enum class ElementMethod {
  kLookup,
  kLookupBatch,
  kUpdate,
  kDelete,
  kDump,
  kWatch,
};

// What a request's key stands for.
enum class KeyShape {
  // key_size bytes that name an element (hash, array, LPM trie, ...).
  kKeyed,
  // No key (key_size 0): the map is a sequence. Lookup peeks at the next
  // element without taking it; Update pushes one (queue, stack).
  kNone,
  // No key: the element is the value. Update adds it; Lookup tests whether
  // the element given as the key may be present (bloom filter).
  kElement,
};

struct ElementAccess {
  KeyShape key = KeyShape::kKeyed;
  bool lookup = false;  // Lookup and LookupBatch (batch: keyed maps only)
  bool update = false;
  bool remove = false;  // Delete
  bool dump = false;    // Dump and Watch
  // Why the others are refused, completing "map X is a <type> map: ...".
  const char* why = "";
};

// The row for a kernel map type (bpf_map_info.type). Unknown types (newer
// than this daemon) support nothing.
const ElementAccess& ElementAccessOf(uint32_t map_type);

// OK when `method` applies to a map of `map_type`; otherwise
// FailedPrecondition naming the map (`label`), its type, the method and
// what the type does support.
absl::Status CheckElementMethod(uint32_t map_type, absl::string_view label,
                                ElementMethod method);

absl::string_view ElementMethodName(ElementMethod method);

// OK when a read-only descriptor of a map of `map_type` with `map_flags`
// may be handed to another process (daemon/handles/): plain data maps
// (hash, LRU, LPM, arrays, cgroup storage, queues, stacks, bloom filters)
// whose flags do not make them write-only to user space (BPF_F_WRONLY).
// Never a map whose keys or values are file descriptors, programs, devices
// or CPUs, nor stack traces, struct_ops, rings, arenas or unknown types:
// FailedPrecondition naming the map (`label`), its type and why.
absl::Status CheckReadHandle(uint32_t map_type, uint32_t map_flags,
                             absl::string_view label);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_MAPS_ELEMENT_ACCESS_H_
