#include "bench/sockops_cases.h"

#include <bpf/bpf.h>
#include <fcntl.h>

#include <cerrno>
#include <span>

#include "absl/strings/str_cat.h"
#include "bench/noop_embedded.h"
#include "bpf/bpfwarden_embedded.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::bench {
namespace {

// Opened from bytes or, with `path`, from that file; loaded unpinned.
absl::StatusOr<BpfObjectPtr> LoadUnpinned(std::span<const uint8_t> elf,
                                          const std::string& path,
                                          const char* name) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
  BpfObjectPtr obj(path.empty()
                       ? bpf_object__open_mem(elf.data(), elf.size(), &opts)
                       : bpf_object__open_file(path.c_str(), &opts));
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

std::vector<SockOpsCase> SockOpsCases(bool baseline) {
  std::vector<SockOpsCase> cases = {
      {"none", "", {}},
      {"noop", "noop", {"noop_sockops"}},
      // Floors of two programs, as tcp_stats + tcp_tune: doing nothing;
      // asking for the callbacks a program needs to see closes; asking for
      // the callbacks tcp_stats asks for.
      {"2 noops", "noop", {"noop_sockops", "noop2_sockops"}},
      {"2 noops+close cbs", "noop", {"close_noop_sockops", "noop2_sockops"}},
      {"2 noops+tcp_stats cbs",
       "noop",
       {"stats_cbs_noop_sockops", "noop2_sockops"}},
      {"tcp_stats", "shipped", {"tcp_stats_sockops"}},
      {"tcp_stats+tcp_tune",
       "shipped",
       {"tcp_stats_sockops", "tcp_tune_sockops"}},
  };
  if (baseline) {
    cases.push_back({"baseline tcp_stats", "baseline", {"tcp_stats_sockops"}});
    cases.push_back({"baseline tcp_stats+tcp_tune",
                     "baseline",
                     {"tcp_stats_sockops", "tcp_tune_sockops"}});
  }
  return cases;
}

absl::StatusOr<SockOpsPrograms> SockOpsPrograms::Load(
    const std::string& baseline_path) {
  std::map<std::string, BpfObjectPtr> objects;
  struct Source {
    const char* name;
    std::span<const uint8_t> elf;
    std::string path;
  };
  std::vector<Source> sources = {
      {"shipped", embedded::BpfwardenObject(), ""},
      {"noop", embedded::NoopObject(), ""},
  };
  if (!baseline_path.empty())
    sources.push_back({"baseline", {}, baseline_path});
  for (const Source& s : sources) {
    absl::StatusOr<BpfObjectPtr> obj = LoadUnpinned(s.elf, s.path, s.name);
    if (!obj.ok()) return obj.status();
    objects.emplace(s.name, *std::move(obj));
  }
  return SockOpsPrograms(std::move(objects));
}

std::vector<SockOpsPrograms::RunStats> SockOpsPrograms::Stats() const {
  std::vector<RunStats> out;
  for (const auto& [object, obj] : objects_) {
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj.get()) {
      bpf_prog_info info{};
      uint32_t len = sizeof(info);
      if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) != 0) {
        continue;
      }
      out.push_back({.name = absl::StrCat(object, "/", bpf_program__name(prog)),
                     .runs = info.run_cnt,
                     .run_time_ns = info.run_time_ns});
    }
  }
  return out;
}

absl::StatusOr<std::vector<BpfLinkPtr>> SockOpsPrograms::Attach(
    const SockOpsCase& c, const std::string& cgroup_path) const {
  std::vector<BpfLinkPtr> links;
  if (c.programs.empty()) return links;
  auto obj = objects_.find(c.object);
  if (obj == objects_.end())
    return absl::NotFoundError("no object " + c.object);
  UniqueFd cgroup(
      ::open(cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup) return ErrnoStatus(errno, absl::StrCat("open ", cgroup_path));
  for (const std::string& name : c.programs) {
    bpf_program* prog =
        bpf_object__find_program_by_name(obj->second.get(), name.c_str());
    if (prog == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("no program ", name, " in ", c.object, " object"));
    }
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
