#include "daemon/maps/element_access.h"

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bpfwarden {
namespace {

// Newer than Debian 12's UAPI headers.
constexpr uint32_t kCgrpStorage = 32;  // Linux 6.2
constexpr uint32_t kArena = 33;        // Linux 6.9

// Rows, by what a type offers through the bpf() syscall to a daemon that
// answers for other processes.
constexpr ElementAccess kEverything{KeyShape::kKeyed, true, true, true, true};
constexpr ElementAccess kArray{
    KeyShape::kKeyed, true, true, false, true,
    "its elements always exist and cannot be deleted (write zeroes with "
    "Update instead)"};
constexpr ElementAccess kCgroupStorage{
    KeyShape::kKeyed, true, true, false, true,
    "an element lives as long as its cgroup's attachment and cannot be "
    "deleted"};
constexpr ElementAccess kStackTrace{
    KeyShape::kKeyed, true, false, true, true,
    "its stacks are written by BPF programs (bpf_get_stackid) only"};
constexpr ElementAccess kProgramValues{
    KeyShape::kKeyed, true, false, true, true,
    "its values carry program file descriptors, which through the daemon "
    "would be the daemon's own: read and delete only"};
constexpr ElementAccess kStructOps{
    KeyShape::kKeyed, true, false, false, true,
    "it is a kernel structure of function pointers, registered as a whole: "
    "read only"};
constexpr ElementAccess kQueue{
    KeyShape::kNone, true, true, false, false,
    "it has no keys: Lookup (with no key) peeks at the next element without "
    "taking it and Update (with no key) pushes one; it cannot be iterated or "
    "deleted from"};
constexpr ElementAccess kBloom{
    KeyShape::kElement, true, true, false, false,
    "it has no keys and no readable elements: Update (with no key) adds the "
    "value, and Lookup tests whether the element given as its key may be "
    "present; it cannot be iterated or deleted from"};
constexpr ElementAccess kRing{
    KeyShape::kNone, false, false, false, false,
    "it carries records from producer to consumer, not elements: it has no "
    "element methods (the daemon's log rings are read with Logs.Tail)"};
constexpr ElementAccess kDescriptors{
    KeyShape::kKeyed, false, false, false, false,
    "its keys or values are file descriptors (or objects named by them), "
    "which through the daemon would be the daemon's own: the API does not "
    "read or write its elements"};
constexpr ElementAccess kArenaRow{
    KeyShape::kNone, false, false, false, false,
    "it is memory shared with user space by mmap, not elements: it has no "
    "element methods"};
constexpr ElementAccess kUnknown{
    KeyShape::kKeyed, false, false, false, false,
    "this daemon does not know the type, so it offers none of its element "
    "methods"};

const char* TypeName(uint32_t type) {
  if (type == kCgrpStorage) return "cgrp_storage";
  if (type == kArena) return "arena";
  const char* name = libbpf_bpf_map_type_str(static_cast<bpf_map_type>(type));
  return name != nullptr ? name : nullptr;
}

bool Allows(const ElementAccess& row, ElementMethod method) {
  switch (method) {
    case ElementMethod::kLookup:
      return row.lookup;
    case ElementMethod::kLookupBatch:
      return row.lookup && row.key == KeyShape::kKeyed;
    case ElementMethod::kUpdate:
      return row.update;
    case ElementMethod::kDelete:
      return row.remove;
    case ElementMethod::kDump:
    case ElementMethod::kWatch:
      return row.dump;
  }
  return false;
}

}  // namespace

const ElementAccess& ElementAccessOf(uint32_t map_type) {
  switch (map_type) {
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
    case BPF_MAP_TYPE_LPM_TRIE:
      return kEverything;
    case BPF_MAP_TYPE_ARRAY:
    case BPF_MAP_TYPE_PERCPU_ARRAY:
      return kArray;
    case BPF_MAP_TYPE_CGROUP_STORAGE:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
      return kCgroupStorage;
    case BPF_MAP_TYPE_STACK_TRACE:
      return kStackTrace;
    case BPF_MAP_TYPE_DEVMAP:
    case BPF_MAP_TYPE_DEVMAP_HASH:
    case BPF_MAP_TYPE_CPUMAP:
      return kProgramValues;
    case BPF_MAP_TYPE_STRUCT_OPS:
      return kStructOps;
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK:
      return kQueue;
    case BPF_MAP_TYPE_BLOOM_FILTER:
      return kBloom;
    case BPF_MAP_TYPE_RINGBUF:
    case BPF_MAP_TYPE_USER_RINGBUF:
      return kRing;
    case BPF_MAP_TYPE_PROG_ARRAY:
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
    case BPF_MAP_TYPE_CGROUP_ARRAY:
    case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_HASH_OF_MAPS:
    case BPF_MAP_TYPE_SOCKMAP:
    case BPF_MAP_TYPE_SOCKHASH:
    case BPF_MAP_TYPE_XSKMAP:
    case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
    case BPF_MAP_TYPE_SK_STORAGE:
    case BPF_MAP_TYPE_INODE_STORAGE:
    case BPF_MAP_TYPE_TASK_STORAGE:
    case kCgrpStorage:
      return kDescriptors;
    case kArena:
      return kArenaRow;
    default:
      return kUnknown;
  }
}

absl::string_view ElementMethodName(ElementMethod method) {
  switch (method) {
    case ElementMethod::kLookup:
      return "Lookup";
    case ElementMethod::kLookupBatch:
      return "LookupBatch";
    case ElementMethod::kUpdate:
      return "Update";
    case ElementMethod::kDelete:
      return "Delete";
    case ElementMethod::kDump:
      return "Dump";
    case ElementMethod::kWatch:
      return "Watch";
  }
  return "?";
}

absl::Status CheckElementMethod(uint32_t map_type, absl::string_view label,
                                ElementMethod method) {
  const ElementAccess& row = ElementAccessOf(map_type);
  if (Allows(row, method)) return absl::OkStatus();
  const char* type = TypeName(map_type);
  const std::string kind =
      type != nullptr ? absl::StrCat("a ", type) : absl::StrCat("a type ", map_type);
  return absl::FailedPreconditionError(
      absl::StrCat(ElementMethodName(method), " on ", label, ": it is ", kind,
                   " map, and ", row.why));
}

absl::Status CheckReadHandle(uint32_t map_type, uint32_t map_flags,
                             absl::string_view label) {
  const ElementAccess& row = ElementAccessOf(map_type);
  const bool data = &row == &kEverything || &row == &kArray ||
                    &row == &kCgroupStorage || &row == &kQueue ||
                    &row == &kBloom;
  const char* type = TypeName(map_type);
  const std::string kind = type != nullptr ? absl::StrCat("a ", type)
                                           : absl::StrCat("a type ", map_type);
  if (!data) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no read handle for ", label, ": it is ", kind,
        " map, and only plain data maps (hash, LRU, LPM trie, array, cgroup "
        "storage, queue, stack, bloom filter) are handed over; never one "
        "whose keys or values are file descriptors, programs, devices, CPUs "
        "or kernel addresses"));
  }
  if ((map_flags & BPF_F_WRONLY) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no read handle for ", label,
        ": it was created write-only to user space (BPF_F_WRONLY)"));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
