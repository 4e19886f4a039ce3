#include "daemon/api/kernel_features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/cgroup.h"
#include "daemon/maps/map_types.h"

namespace bpfwarden::api {
namespace {

KernelFeature ProgType(const char* name, bpf_prog_type type) {
  return {absl::StrCat("prog_type_", name),
          libbpf_probe_bpf_prog_type(type, nullptr) == 1, ""};
}

KernelFeature MapType(const char* name, bpf_map_type type) {
  return {absl::StrCat("map_type_", name),
          libbpf_probe_bpf_map_type(type, nullptr) == 1, ""};
}

// BPF_MAP_LOOKUP_BATCH on an empty hash map: ENOENT means the command
// exists (and the map is empty).
KernelFeature BatchOps() {
  UniqueFd fd(
      bpf_map_create(BPF_MAP_TYPE_HASH, "bpfw_probe", 4, 4, 1, nullptr));
  if (!fd) return {"map_batch_ops", false, "cannot create a probe map"};
  uint32_t out_batch = 0, keys[1], values[1], count = 1;
  int err = bpf_map_lookup_batch(fd.get(), nullptr, &out_batch, keys, values,
                                 &count, nullptr);
  bool present = err == 0 || errno == ENOENT;
  return {"map_batch_ops", present, ""};
}

// BPF_LINK_CREATE without a program: EBADF where the command exists (cgroup
// links came with it, Linux 5.7), EINVAL where the kernel does not know it.
KernelFeature CgroupLink() {
  const int rc = bpf_link_create(-1, -1, BPF_CGROUP_SOCK_OPS, nullptr);
  const bool present = rc < 0 && errno == EBADF;
  if (rc >= 0) close(rc);
  return {"cgroup_link", present,
          present ? ""
                  : "needs kernel feature BPF_LINK_CREATE (Linux 5.7): "
                    "no attachment can be made"};
}

// Loads a tiny BTF holding a decl tag (Linux 5.16). Without them libbpf
// loads objects' BTF sanitized: the kernel's copy loses the IP-address tags.
KernelFeature DeclTags() {
  BtfPtr btf(btf__new_empty());
  bool present = false;
  if (btf) {
    const int u32 = btf__add_int(btf.get(), "int", 4, 0);
    const int s = btf__add_struct(btf.get(), "s", 4);
    btf__add_field(btf.get(), "a", u32, 0, 0);
    btf__add_decl_tag(btf.get(), "probe", s, 0);
    present = btf__load_into_kernel(btf.get()) == 0;
  }
  return {"btf_decl_tag", present,
          present ? ""
                  : "BTF decl tags came with Linux 5.16: the daemon renders IP "
                    "addresses by the BTF of the objects it loaded; "
                    "`bpfwarden --direct` shows them as byte arrays"};
}

KernelFeature LpmBatch() {
  const bool present = KernelHasLpmLookupBatch();
  return {"lpm_trie_batch", present,
          present ? "" : "no batch lookup of LPM tries: dumps go by next-key"};
}

KernelFeature PercpuArrayBatch() {
  const bool present = KernelHasPercpuArrayBatch();
  return {"percpu_array_batch", present,
          present ? ""
                  : "no batch operations on per-CPU arrays: dumps go by "
                    "next-key, batch updates one element at a time"};
}

KernelFeature FileFeature(const char* name, const char* path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  return {name, in.good() || !text.empty(),
          std::string(absl::StripAsciiWhitespace(text))};
}

// "250 (measured)"; absent with the reason when HZ is unknown.
KernelFeature Hz(const KernelPlatform& platform) {
  if (platform.hz == 0) return {"kernel_hz", false, platform.hz_source};
  return {"kernel_hz", true,
          absl::StrCat(platform.hz, " (", platform.hz_source, ")")};
}

KernelFeature BuiltinVariantFeature(const KernelPlatform& platform) {
  return {"builtin_variant", true,
          platform.builtin == BuiltinVariant::kNoCmpxchg
              ? "no_cmpxchg (tcp_stats keeps connections in tcp_stats_conns)"
              : "default"};
}

}  // namespace

KernelFeatures ProbeKernelFeatures(const KernelPlatform& platform) {
  KernelFeatures out;
  utsname uts{};
  if (uname(&uts) == 0) out.release = uts.release;
  std::vector<KernelFeature>& f = out.features;
  f.push_back({"btf_vmlinux", access("/sys/kernel/btf/vmlinux", R_OK) == 0,
               "/sys/kernel/btf/vmlinux"});
  f.push_back({"bpffs", access("/sys/fs/bpf", W_OK) == 0, "/sys/fs/bpf"});
  absl::StatusOr<std::string> cgroup2 = FindCgroup2Mount();
  f.push_back(
      {"cgroup2", cgroup2.ok(),
       cgroup2.ok() ? *cgroup2 : std::string(cgroup2.status().message())});
  f.push_back(ProgType("sock_ops", BPF_PROG_TYPE_SOCK_OPS));
  f.push_back(ProgType("cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB));
  f.push_back(ProgType("cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR));
  f.push_back(ProgType("cgroup_sockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT));
  f.push_back(MapType("hash", BPF_MAP_TYPE_HASH));
  f.push_back(MapType("lru_hash", BPF_MAP_TYPE_LRU_HASH));
  f.push_back(MapType("percpu_hash", BPF_MAP_TYPE_PERCPU_HASH));
  f.push_back(MapType("sk_storage", BPF_MAP_TYPE_SK_STORAGE));
  f.push_back(MapType("ringbuf", BPF_MAP_TYPE_RINGBUF));
  f.push_back(BatchOps());
  f.push_back(LpmBatch());
  f.push_back(PercpuArrayBatch());
  f.push_back(CgroupLink());
  f.push_back(DeclTags());
  f.push_back(FileFeature("unprivileged_bpf_disabled",
                          "/proc/sys/kernel/unprivileged_bpf_disabled"));
  f.push_back(Hz(platform));
  f.push_back({"atomic_cmpxchg", platform.atomic_cmpxchg,
               platform.atomic_cmpxchg_detail});
  f.push_back(BuiltinVariantFeature(platform));
  return out;
}

}  // namespace bpfwarden::api
