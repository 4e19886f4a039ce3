#include "tests/api/kinds_object.h"

#include <bpf/libbpf.h>

#include "tests/testing/runfiles.h"

namespace bpfwarden::testing {

std::vector<KindsMissing> MissingKinds() {
  struct Kind {
    const char* map;
    bpf_map_type type;
  };
  static const Kind kNew[] = {{"k_task_storage", BPF_MAP_TYPE_TASK_STORAGE},
                              {"k_bloom_filter", BPF_MAP_TYPE_BLOOM_FILTER},
                              {"k_user_ringbuf", BPF_MAP_TYPE_USER_RINGBUF}};
  std::vector<KindsMissing> out;
  for (const Kind& k : kNew) {
    if (libbpf_probe_bpf_map_type(k.type, nullptr) == 0) {
      out.push_back({k.map, libbpf_bpf_map_type_str(k.type)});
    }
  }
  return out;
}

bool IsMissingKind(const std::string& map) {
  static const std::vector<KindsMissing> missing = MissingKinds();
  for (const KindsMissing& m : missing) {
    if (m.map == map) return true;
  }
  return false;
}

std::string FullKindsObject() {
  return Runfile("tests/api/api_map_kinds.bpf.o");
}
std::string BaseKindsObject() {
  return Runfile("tests/api/api_map_kinds_base.bpf.o");
}

}  // namespace bpfwarden::testing
