// The map_kinds test object (one map of every type) this kernel can load:
// api_map_kinds where it has every type, else api_map_kinds_base, without
// the types that came after Linux 5.10. Decided by libbpf's probes.
#ifndef BPFWARDEN_TESTS_API_KINDS_OBJECT_H_
#define BPFWARDEN_TESTS_API_KINDS_OBJECT_H_

#include <string>
#include <vector>

namespace bpfwarden::testing {

// Set by adversary_test for hostile_client: the kinds maps (comma-separated)
// whose type the kernel lacks, so not in the set it loaded.
inline constexpr char kKindsMissingEnv[] = "BPFWARDEN_TEST_MISSING_KINDS";

struct KindsMissing {
  std::string map;   // k_task_storage
  std::string type;  // task_storage
};

// The maps of map_kinds_new.bpf.c whose type this kernel lacks (empty on a
// kernel with all of them).
std::vector<KindsMissing> MissingKinds();
bool IsMissingKind(const std::string& map);

// Runfile paths of the full object and of the base one.
std::string FullKindsObject();
std::string BaseKindsObject();

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_API_KINDS_OBJECT_H_
