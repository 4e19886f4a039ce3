#include "daemon/core/object_file.h"

#include <bpf/libbpf.h>
#include <elf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/libbpf_messages.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

namespace bpfwarden {
namespace {

std::string FdPath(int fd) { return absl::StrCat("/proc/self/fd/", fd); }

absl::StatusOr<UniqueFd> MemFd(absl::string_view name,
                               absl::string_view contents) {
  UniqueFd fd(::memfd_create(std::string(name).c_str(), MFD_CLOEXEC));
  if (!fd) return ErrnoStatus(errno, "memfd_create");
  while (!contents.empty()) {
    ssize_t n = ::write(fd.get(), contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(errno, "write memfd");
    contents.remove_prefix(static_cast<size_t>(n));
  }
  return fd;
}

absl::StatusOr<std::string> ReadAll(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "fstat memfd");
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(errno, "read linked object");
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace

absl::StatusOr<ObjectInput> ReadObjectFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, absl::StrCat("open object ", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  return ObjectInput{path, bytes.str()};
}

absl::Status CheckBpfElf(const ObjectInput& input) {
  const std::string& b = input.bytes;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("object ", input.label, ": ", why));
  };
  if (b.size() < SELFMAG || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) {
    return bad("not an ELF file");
  }
  if (b.size() < sizeof(Elf64_Ehdr)) return bad("truncated ELF header");
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof(eh));
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return bad("not a 64-bit little-endian ELF object");
  }
  if (eh.e_machine != EM_BPF) {
    return bad(absl::StrCat("ELF machine ", eh.e_machine,
                            " is not BPF (247); build with clang -target bpf"));
  }
  if (eh.e_type != ET_REL) return bad("not a relocatable ELF object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr))
    return bad("bad section header size");
  // Every sum below is checked against the file size before it is formed,
  // so offsets near 2^64 cannot wrap into the file.
  const uint64_t size = b.size();
  const uint64_t table_size =
      static_cast<uint64_t>(eh.e_shnum) * sizeof(Elf64_Shdr);
  if (eh.e_shoff == 0 || eh.e_shoff > size || table_size > size - eh.e_shoff) {
    return bad(absl::StrCat("truncated: section headers at byte ", eh.e_shoff,
                            " (", table_size, " bytes) do not fit the file of ",
                            size, " bytes"));
  }
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, b.data() + eh.e_shoff + i * sizeof(Elf64_Shdr),
                sizeof(sh));
    if (sh.sh_type == SHT_NOBITS) continue;
    if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset) {
      return bad(absl::StrCat(
          "truncated: section ", i, " (byte ", sh.sh_offset, ", ", sh.sh_size,
          " bytes) does not fit the file of ", size, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LinkObjects(
    const std::vector<ObjectInput>& inputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("no objects to load");
  for (const ObjectInput& input : inputs) {
    absl::Status s = CheckBpfElf(input);
    if (!s.ok()) return s;
  }
  if (inputs.size() == 1) return inputs[0].bytes;

  absl::StatusOr<UniqueFd> out = MemFd("bpfwarden-linked", "");
  if (!out.ok()) return out.status();
  LibbpfMessages libbpf;
  BpfLinkerPtr linker(bpf_linker__new(FdPath(out->get()).c_str(), nullptr));
  if (!linker) return libbpf.Annotate(ErrnoStatus(errno, "bpf_linker__new"));
  for (const ObjectInput& input : inputs) {
    absl::StatusOr<UniqueFd> in = MemFd("bpfwarden-input", input.bytes);
    if (!in.ok()) return in.status();
    int err =
        bpf_linker__add_file(linker.get(), FdPath(in->get()).c_str(), nullptr);
    if (err != 0) {
      return libbpf.Annotate(absl::InvalidArgumentError(absl::StrCat(
          "linking ", input.label, " failed: ", std::strerror(std::abs(err)))));
    }
  }
  int err = bpf_linker__finalize(linker.get());
  if (err != 0) {
    return libbpf.Annotate(ErrnoStatus(err, "finalize linked object"));
  }
  linker.reset();
  return ReadAll(out->get());
}

}  // namespace bpfwarden
