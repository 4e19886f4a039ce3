#include "tests/testing/kernel_env.h"

#include <bpf/btf.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/core/cgroup.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

namespace bpfwarden::testing {

bool SkipAllowed() {
  const char* value = std::getenv(kAllowSkipEnv);
  return value != nullptr && std::string(value) == "1";
}

absl::Status CheckKernelPrerequisites() {
  std::vector<std::string> missing;
  if (::geteuid() != 0) missing.push_back("not running as root");
  struct statfs fs;
  if (::statfs("/sys/fs/bpf", &fs) != 0 ||
      static_cast<unsigned long>(fs.f_type) != BPF_FS_MAGIC) {
    missing.push_back("bpffs is not mounted at /sys/fs/bpf");
  }
  if (!FindCgroup2Mount().ok()) missing.push_back("no cgroup2 mount");
  if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
    missing.push_back("no kernel BTF at /sys/kernel/btf/vmlinux");
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrJoin(missing, "; "));
}

std::string Cgroup2Mount() {
  auto mount = FindCgroup2Mount();
  return mount.ok() ? *mount : std::string();
}

bool KernelHasDeclTags() {
  BtfPtr probe(btf__new_empty());
  if (probe == nullptr) return false;
  const int u32 = btf__add_int(probe.get(), "int", 4, 0);
  const int s = btf__add_struct(probe.get(), "s", 4);
  btf__add_field(probe.get(), "a", u32, 0, 0);
  btf__add_decl_tag(probe.get(), "tag", s, 0);
  return btf__load_into_kernel(probe.get()) == 0;
}

bool KernelAtLeast(int major, int minor) {
  utsname uts{};
  if (uname(&uts) != 0) return false;
  int got_major = 0, got_minor = 0;
  if (std::sscanf(uts.release, "%d.%d", &got_major, &got_minor) != 2) {
    return false;
  }
  return got_major > major || (got_major == major && got_minor >= minor);
}

}  // namespace bpfwarden::testing
