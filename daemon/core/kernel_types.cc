#include "daemon/core/kernel_types.h"

#include <linux/bpf.h>

#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace bpfwarden {
namespace {

struct Since {
  int type;
  const char* version;
};

// From the kernel's git history (the release each type first shipped in).
constexpr Since kProgTypes[] = {
    {BPF_PROG_TYPE_SOCKET_FILTER, "3.19"},
    {BPF_PROG_TYPE_KPROBE, "4.1"},
    {BPF_PROG_TYPE_SCHED_CLS, "4.1"},
    {BPF_PROG_TYPE_SCHED_ACT, "4.1"},
    {BPF_PROG_TYPE_TRACEPOINT, "4.7"},
    {BPF_PROG_TYPE_XDP, "4.8"},
    {BPF_PROG_TYPE_PERF_EVENT, "4.9"},
    {BPF_PROG_TYPE_CGROUP_SKB, "4.10"},
    {BPF_PROG_TYPE_CGROUP_SOCK, "4.10"},
    {BPF_PROG_TYPE_LWT_IN, "4.10"},
    {BPF_PROG_TYPE_LWT_OUT, "4.10"},
    {BPF_PROG_TYPE_LWT_XMIT, "4.10"},
    {BPF_PROG_TYPE_SOCK_OPS, "4.13"},
    {BPF_PROG_TYPE_SK_SKB, "4.14"},
    {BPF_PROG_TYPE_CGROUP_DEVICE, "4.15"},
    {BPF_PROG_TYPE_SK_MSG, "4.17"},
    {BPF_PROG_TYPE_RAW_TRACEPOINT, "4.17"},
    {BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "4.17"},
    {BPF_PROG_TYPE_LWT_SEG6LOCAL, "4.18"},
    {BPF_PROG_TYPE_LIRC_MODE2, "4.18"},
    {BPF_PROG_TYPE_SK_REUSEPORT, "4.19"},
    {BPF_PROG_TYPE_FLOW_DISSECTOR, "4.20"},
    {BPF_PROG_TYPE_CGROUP_SYSCTL, "5.2"},
    {BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, "5.2"},
    {BPF_PROG_TYPE_CGROUP_SOCKOPT, "5.3"},
    {BPF_PROG_TYPE_TRACING, "5.5"},
    {BPF_PROG_TYPE_STRUCT_OPS, "5.6"},
    {BPF_PROG_TYPE_EXT, "5.6"},
    {BPF_PROG_TYPE_LSM, "5.7"},
    {BPF_PROG_TYPE_SK_LOOKUP, "5.9"},
    {BPF_PROG_TYPE_SYSCALL, "5.14"},
};

constexpr Since kMapTypes[] = {
    {BPF_MAP_TYPE_HASH, "3.19"},
    {BPF_MAP_TYPE_ARRAY, "3.19"},
    {BPF_MAP_TYPE_PROG_ARRAY, "4.2"},
    {BPF_MAP_TYPE_PERF_EVENT_ARRAY, "4.3"},
    {BPF_MAP_TYPE_PERCPU_HASH, "4.6"},
    {BPF_MAP_TYPE_PERCPU_ARRAY, "4.6"},
    {BPF_MAP_TYPE_STACK_TRACE, "4.6"},
    {BPF_MAP_TYPE_CGROUP_ARRAY, "4.8"},
    {BPF_MAP_TYPE_LRU_HASH, "4.10"},
    {BPF_MAP_TYPE_LRU_PERCPU_HASH, "4.10"},
    {BPF_MAP_TYPE_LPM_TRIE, "4.11"},
    {BPF_MAP_TYPE_ARRAY_OF_MAPS, "4.12"},
    {BPF_MAP_TYPE_HASH_OF_MAPS, "4.12"},
    {BPF_MAP_TYPE_DEVMAP, "4.14"},
    {BPF_MAP_TYPE_SOCKMAP, "4.14"},
    {BPF_MAP_TYPE_CPUMAP, "4.15"},
    {BPF_MAP_TYPE_XSKMAP, "4.18"},
    {BPF_MAP_TYPE_SOCKHASH, "4.18"},
    {BPF_MAP_TYPE_CGROUP_STORAGE, "4.19"},
    {BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, "4.19"},
    {BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, "4.20"},
    {BPF_MAP_TYPE_QUEUE, "4.20"},
    {BPF_MAP_TYPE_STACK, "4.20"},
    {BPF_MAP_TYPE_SK_STORAGE, "5.2"},
    {BPF_MAP_TYPE_DEVMAP_HASH, "5.4"},
    {BPF_MAP_TYPE_STRUCT_OPS, "5.6"},
    {BPF_MAP_TYPE_RINGBUF, "5.8"},
    {BPF_MAP_TYPE_INODE_STORAGE, "5.10"},
    {BPF_MAP_TYPE_TASK_STORAGE, "5.11"},
    {BPF_MAP_TYPE_BLOOM_FILTER, "5.16"},
    {BPF_MAP_TYPE_USER_RINGBUF, "6.1"},
    {32 /* BPF_MAP_TYPE_CGRP_STORAGE */, "6.2"},
    {33 /* BPF_MAP_TYPE_ARENA */, "6.9"},
};

template <size_t N>
const char* Lookup(const Since (&table)[N], int type) {
  for (const Since& s : table) {
    if (s.type == type) return s.version;
  }
  return "";
}

// A libbpf probe, asked once per type.
template <typename Type>
std::function<int(Type)> Remembered(int (*probe)(Type, const void*)) {
  struct Memo {
    std::mutex mu;
    std::map<Type, int> answers;
  };
  static Memo* memo = new Memo;
  return [probe](Type type) {
    std::lock_guard<std::mutex> lock(memo->mu);
    auto it = memo->answers.find(type);
    if (it == memo->answers.end()) {
      it = memo->answers.emplace(type, probe(type, nullptr)).first;
    }
    return it->second;
  };
}

std::string Refusal(const std::string& set, const char* what, const char* name,
                    const char* kind, const char* type_name,
                    const char* since) {
  return absl::StrCat("set ", set, ": ", what, " ", name,
                      " needs kernel feature ", kind, " ", type_name,
                      *since ? absl::StrCat(" (Linux ", since, ")") : "",
                      ", which this kernel lacks");
}

}  // namespace

const char* ProgTypeSince(bpf_prog_type type) {
  return Lookup(kProgTypes, type);
}
const char* MapTypeSince(bpf_map_type type) { return Lookup(kMapTypes, type); }

const TypeProbes& KernelTypeProbes() {
  static const TypeProbes* probes = new TypeProbes{
      .prog = Remembered<bpf_prog_type>(&libbpf_probe_bpf_prog_type),
      .map = Remembered<bpf_map_type>(&libbpf_probe_bpf_map_type),
  };
  return *probes;
}

absl::Status CheckKernelTypes(const std::string& set, const bpf_object* obj,
                              const TypeProbes& probes) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (!bpf_program__autoload(prog)) continue;
    const bpf_prog_type type = bpf_program__type(prog);
    if (probes.prog(type) != 0) continue;
    const char* name = libbpf_bpf_prog_type_str(type);
    const std::string type_name = name ? name : absl::StrCat(type);
    return absl::FailedPreconditionError(
        Refusal(set, "program", bpf_program__name(prog), "program type",
                type_name.c_str(), ProgTypeSince(type)));
  }
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    if (!bpf_map__autocreate(map)) continue;
    const bpf_map_type type = bpf_map__type(map);
    if (probes.map(type) != 0) continue;
    const char* name = libbpf_bpf_map_type_str(type);
    const std::string type_name = name ? name : absl::StrCat(type);
    return absl::FailedPreconditionError(Refusal(set, "map", bpf_map__name(map),
                                                 "map type", type_name.c_str(),
                                                 MapTypeSince(type)));
  }
  return absl::OkStatus();
}

}  // namespace bpfwarden
