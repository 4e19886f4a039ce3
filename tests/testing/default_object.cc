#include "tests/testing/default_object.h"

#include <fcntl.h>

#include <cerrno>
#include <span>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/unique_fd.h"
#include "daemon/core/kernel_probes.h"
#include "daemon/core/rodata.h"
#include "tests/testing/kernel_clock.h"

namespace bpfwarden::testing {

absl::StatusOr<DefaultObject> DefaultObject::Load(
    const ScopedPinDir& pins, const std::vector<v1::GlobalValue>& globals,
    BuiltinVariant variant) {
  if (variant == BuiltinVariant::kAuto) {
    variant = ProbeAtomicCmpxchg().ok() ? BuiltinVariant::kDefault
                                        : BuiltinVariant::kNoCmpxchg;
  }
  std::span<const uint8_t> elf = BuiltinObject(variant);
  // CONFIG_HZ as the daemon gives it: libbpf then needs no config file.
  absl::StatusOr<uint32_t> hz = KernelHz();
  if (!hz.ok()) return hz.status();
  const std::string kconfig = absl::StrCat("CONFIG_HZ=", *hz, "\n");
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bpfwarden",
              .pin_root_path = pins.path().c_str(), .kconfig = kconfig.c_str());
  BpfObjectPtr obj(bpf_object__open_mem(elf.data(), elf.size(), &opts));
  if (!obj) return ErrnoStatus(errno, "open embedded bpfwarden object");
  for (const v1::GlobalValue& global : globals) {
    if (absl::Status s = SetRodataGlobal(obj.get(), global); !s.ok()) return s;
  }
  if (int err = bpf_object__load(obj.get()); err != 0) {
    return ErrnoStatus(
        err, absl::StrCat("load bpfwarden object with pin root ", pins.path(),
                          " (verifier log on stderr)"));
  }
  return DefaultObject(std::move(obj));
}

absl::StatusOr<bpf_program*> DefaultObject::Program(
    const std::string& name) const {
  bpf_program* prog =
      bpf_object__find_program_by_name(obj_.get(), name.c_str());
  if (!prog) return absl::NotFoundError(absl::StrCat("no program ", name));
  return prog;
}

absl::StatusOr<int> DefaultObject::MapFd(const std::string& name) const {
  bpf_map* map = bpf_object__find_map_by_name(obj_.get(), name.c_str());
  if (!map) return absl::NotFoundError(absl::StrCat("no map ", name));
  return bpf_map__fd(map);
}

absl::StatusOr<bpf_prog_info> DefaultObject::ProgramInfo(
    const std::string& name) const {
  absl::StatusOr<bpf_program*> prog = Program(name);
  if (!prog.ok()) return prog.status();
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(bpf_program__fd(*prog), &info, &len) != 0) {
    return ErrnoStatus(errno, absl::StrCat("info of program ", name));
  }
  return info;
}

absl::StatusOr<BpfLinkPtr> DefaultObject::Attach(
    const std::string& name, const ScopedCgroup& cgroup) const {
  absl::StatusOr<bpf_program*> prog = Program(name);
  if (!prog.ok()) return prog.status();
  UniqueFd cgroup_fd(
      ::open(cgroup.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup_fd)
    return ErrnoStatus(errno, absl::StrCat("open ", cgroup.path()));
  BpfLinkPtr link(bpf_program__attach_cgroup(*prog, cgroup_fd.get()));
  if (!link) {
    return ErrnoStatus(errno,
                       absl::StrCat("attach ", name, " to ", cgroup.path()));
  }
  return link;
}

}  // namespace bpfwarden::testing
