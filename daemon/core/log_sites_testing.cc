#include "daemon/core/log_sites_testing.h"

#include <elf.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "bpf/include/bpfwarden/log.h"

namespace bpfwarden::testing {

std::string LogSiteBytes(uint32_t id, absl::string_view format,
                         const std::vector<LogArg>& args,
                         uint16_t record_size) {
  constexpr absl::string_view kFile = "t.bpf.c";
  bw_log_site h{};
  h.magic = BW_LOG_SITE_MAGIC;
  h.id = id;
  h.line = 12;
  h.size = sizeof(h) + kFile.size() + 1 + format.size() + 1;
  h.record_size = record_size;
  h.file_len = kFile.size() + 1;
  h.format_len = format.size() + 1;
  h.level = BW_LEVEL_WARN;
  h.nargs = args.size();
  for (size_t i = 0; i < args.size() && i < BW_LOG_MAX_ARGS; ++i) {
    h.types[i] = args[i].type;
    h.offsets[i] = args[i].offset;
    h.sizes[i] = args[i].size;
  }
  std::string out(reinterpret_cast<const char*>(&h), sizeof(h));
  absl::StrAppend(&out, kFile, std::string(1, '\0'), format,
                  std::string(1, '\0'));
  out.resize((out.size() + 3) & ~size_t{3}, '\0');
  return out;
}

std::string ElfWithLogSites(absl::string_view sites) {
  const std::string names =
      absl::StrCat(std::string(1, '\0'), BW_LOG_SITES_SECTION,
                   std::string(1, '\0'), ".shstrtab", std::string(1, '\0'));
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_REL;
  eh.e_machine = EM_BPF;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(eh);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 2;
  eh.e_shoff = sizeof(eh) + sites.size() + names.size();
  Elf64_Shdr headers[3] = {};
  headers[1].sh_name = 1;
  headers[1].sh_type = SHT_PROGBITS;
  headers[1].sh_offset = sizeof(eh);
  headers[1].sh_size = sites.size();
  headers[2].sh_name = 1 + sizeof(BW_LOG_SITES_SECTION);
  headers[2].sh_type = SHT_STRTAB;
  headers[2].sh_offset = sizeof(eh) + sites.size();
  headers[2].sh_size = names.size();
  return absl::StrCat(
      absl::string_view(reinterpret_cast<const char*>(&eh), sizeof(eh)), sites,
      names,
      absl::string_view(reinterpret_cast<const char*>(headers),
                        sizeof(headers)));
}

}  // namespace bpfwarden::testing
