#include "bench/sockops_cases.h"

#include <fcntl.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "bench/noop_embedded.h"
#include "bpf/bpfwarden_embedded.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::bench {
namespace {

const SockOpsCase kCases[] = {
    {"none", {}},
    {"noop", {"noop_sockops"}},
    {"tcp_stats", {"tcp_stats_sockops"}},
    {"tcp_stats+tcp_tune", {"tcp_stats_sockops", "tcp_tune_sockops"}},
};

absl::StatusOr<BpfObjectPtr> LoadUnpinned(std::span<const uint8_t> elf,
                                          const char* name) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
  BpfObjectPtr obj(bpf_object__open_mem(elf.data(), elf.size(), &opts));
  if (!obj) return ErrnoStatus(errno, absl::StrCat("open object ", name));
  bpf_map* map;
  bpf_object__for_each_map(map, obj.get()) {
    bpf_map__set_pin_path(map, nullptr);
  }
  if (int err = bpf_object__load(obj.get()); err != 0) {
    return ErrnoStatus(err, absl::StrCat("load object ", name, " (root?)"));
  }
  return obj;
}

}  // namespace

std::span<const SockOpsCase> SockOpsCases() { return kCases; }

absl::StatusOr<SockOpsPrograms> SockOpsPrograms::Load() {
  absl::StatusOr<BpfObjectPtr> shipped =
      LoadUnpinned(embedded::BpfwardenObject(), "bpfwarden");
  if (!shipped.ok()) return shipped.status();
  absl::StatusOr<BpfObjectPtr> noop =
      LoadUnpinned(embedded::NoopObject(), "noop");
  if (!noop.ok()) return noop.status();
  return SockOpsPrograms(*std::move(shipped), *std::move(noop));
}

bpf_program* SockOpsPrograms::Find(const std::string& name) const {
  for (bpf_object* obj : {shipped_.get(), noop_.get()}) {
    if (bpf_program* p = bpf_object__find_program_by_name(obj, name.c_str())) {
      return p;
    }
  }
  return nullptr;
}

absl::StatusOr<std::vector<BpfLinkPtr>> SockOpsPrograms::Attach(
    const SockOpsCase& c, const std::string& cgroup_path) const {
  UniqueFd cgroup(
      ::open(cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return ErrnoStatus(errno, absl::StrCat("open ", cgroup_path));
  std::vector<BpfLinkPtr> links;
  for (const std::string& name : c.programs) {
    bpf_program* prog = Find(name);
    if (prog == nullptr) return absl::NotFoundError("no program " + name);
    BpfLinkPtr link(bpf_program__attach_cgroup(prog, cgroup.get()));
    if (!link) {
      return ErrnoStatus(errno,
                         absl::StrCat("attach ", name, " to ", cgroup_path));
    }
    links.push_back(std::move(link));
  }
  return links;
}

}  // namespace bpfwarden::bench
