#include "daemon/core/log_sites.h"

#include <elf.h>

#include <cstring>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bpf/include/bpfwarden/log.h"

namespace bpfwarden {
namespace {

template <typename T>
bool ReadAt(absl::string_view elf, uint64_t offset, T* out) {
  if (offset > elf.size() || elf.size() - offset < sizeof(T)) return false;
  std::memcpy(out, elf.data() + offset, sizeof(T));
  return true;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed ", BW_LOG_SITES_SECTION, " section: ", what));
}

struct Section {
  Elf64_Shdr header{};
  absl::string_view bytes;
};

// The section headers and the bytes of each (empty for NOBITS).
absl::StatusOr<std::vector<Section>> Sections(absl::string_view elf) {
  Elf64_Ehdr eh;
  if (!ReadAt(elf, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return absl::InvalidArgumentError("not a 64-bit ELF object");
  }
  std::vector<Section> out(eh.e_shnum);
  for (size_t i = 0; i < out.size(); ++i) {
    Section& s = out[i];
    if (!ReadAt(elf, eh.e_shoff + i * sizeof(Elf64_Shdr), &s.header)) {
      return absl::InvalidArgumentError("truncated ELF section headers");
    }
    if (s.header.sh_type == SHT_NOBITS) continue;
    if (s.header.sh_offset > elf.size() ||
        elf.size() - s.header.sh_offset < s.header.sh_size) {
      return absl::InvalidArgumentError("truncated ELF section");
    }
    s.bytes = elf.substr(s.header.sh_offset, s.header.sh_size);
  }
  if (eh.e_shstrndx >= out.size()) {
    return absl::InvalidArgumentError("no ELF section name table");
  }
  return out;
}

absl::string_view CString(absl::string_view table, uint64_t offset) {
  if (offset >= table.size()) return "";
  absl::string_view rest = table.substr(offset);
  return rest.substr(0, rest.find('\0'));
}

// Calls `fn(symbol, name)` for every symbol of the object.
void ForEachSymbol(
    const std::vector<Section>& sections,
    const std::function<void(const Elf64_Sym&, absl::string_view)>& fn) {
  for (const Section& s : sections) {
    if (s.header.sh_type != SHT_SYMTAB || s.header.sh_link >= sections.size()) {
      continue;
    }
    absl::string_view strings = sections[s.header.sh_link].bytes;
    for (size_t off = 0; off + sizeof(Elf64_Sym) <= s.bytes.size();
         off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, s.bytes.data() + off, sizeof(sym));
      fn(sym, CString(strings, sym.st_name));
    }
  }
}

// Offset in the sites section -> enclosing function, from the symbols the
// compiler names "<function>.__bw_site[.N]".
std::map<uint64_t, std::string> SiteFunctions(
    const std::vector<Section>& sections, size_t sites_index) {
  std::map<uint64_t, std::string> out;
  ForEachSymbol(sections, [&](const Elf64_Sym& sym, absl::string_view name) {
    const size_t dot = name.find(".__bw_site");
    if (sym.st_shndx == sites_index && dot != absl::string_view::npos) {
      out[sym.st_value] = std::string(name.substr(0, dot));
    }
  });
  return out;
}

// Site id -> the functions whose code holds it as an immediate (the record
// writes it): the BPF program a site inlined into, rather than the inline
// function it is written in.
std::map<uint32_t, std::vector<std::string>> SiteCallers(
    const std::vector<Section>& sections, const LogSites& sites) {
  std::map<uint32_t, std::vector<std::string>> out;
  ForEachSymbol(sections, [&](const Elf64_Sym& sym, absl::string_view name) {
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
        sym.st_shndx >= sections.size() ||
        !(sections[sym.st_shndx].header.sh_flags & SHF_EXECINSTR)) {
      return;
    }
    absl::string_view code = sections[sym.st_shndx].bytes;
    if (sym.st_value > code.size() ||
        code.size() - sym.st_value < sym.st_size) {
      return;
    }
    std::set<uint32_t> found;
    for (uint64_t insn = sym.st_value; insn + 8 <= sym.st_value + sym.st_size;
         insn += 8) {
      uint32_t imm;
      std::memcpy(&imm, code.data() + insn + 4, sizeof(imm));
      if (sites.count(imm)) found.insert(imm);
    }
    for (uint32_t id : found) out[id].push_back(std::string(name));
  });
  return out;
}

absl::StatusOr<LogSite> SiteAt(absl::string_view bytes, size_t offset,
                               const bw_log_site& h) {
  LogSite site;
  site.id = h.id;
  site.line = h.line;
  site.record_size = h.record_size;
  if (h.size < sizeof(h) + h.file_len + h.format_len ||
      bytes.size() - offset < h.size || h.nargs > BW_LOG_MAX_ARGS ||
      h.level < BW_LEVEL_ERROR || h.level > BW_LEVEL_TRACE || h.file_len == 0 ||
      h.format_len == 0) {
    return Malformed(absl::StrCat("bad site at offset ", offset));
  }
  site.level = static_cast<BpfLogLevel>(h.level);
  absl::string_view text = bytes.substr(offset + sizeof(h));
  site.file = std::string(text.substr(0, h.file_len - 1));
  site.format = std::string(text.substr(h.file_len, h.format_len - 1));
  for (int i = 0; i < h.nargs; ++i) {
    const LogArg arg = {h.types[i], h.offsets[i], h.sizes[i]};
    if (absl::Status s = CheckLogArg(arg, h.record_size); !s.ok()) {
      return Malformed(absl::StrCat("log call at ", site.Where(), ", argument ",
                                    i + 1, ": ", s.message()));
    }
    site.args.push_back(arg);
  }
  absl::StatusOr<std::vector<LogPiece>> pieces =
      ParseLogFormat(site.format, site.args);
  if (!pieces.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("log call at ", site.Where(), " (\"", site.format,
                     "\"): ", pieces.status().message()));
  }
  site.pieces = *std::move(pieces);
  return site;
}

}  // namespace

std::string LogSite::Where() const { return absl::StrCat(file, ":", line); }

absl::StatusOr<LogSites> ReadLogSites(absl::string_view elf) {
  absl::StatusOr<std::vector<Section>> sections = Sections(elf);
  if (!sections.ok()) return sections.status();
  Elf64_Ehdr eh;
  ReadAt(elf, 0, &eh);
  absl::string_view names = (*sections)[eh.e_shstrndx].bytes;
  LogSites sites;
  for (size_t index = 0; index < sections->size(); ++index) {
    const Section& section = (*sections)[index];
    if (CString(names, section.header.sh_name) != BW_LOG_SITES_SECTION) {
      continue;
    }
    const std::map<uint64_t, std::string> functions =
        SiteFunctions(*sections, index);
    absl::string_view bytes = section.bytes;
    size_t offset = 0;
    while (offset + sizeof(uint32_t) <= bytes.size()) {
      bw_log_site h;
      if (!ReadAt(bytes, offset, &h) || h.magic != BW_LOG_SITE_MAGIC) {
        offset += sizeof(uint32_t);  // padding between files
        continue;
      }
      absl::StatusOr<LogSite> site = SiteAt(bytes, offset, h);
      if (!site.ok()) return site.status();
      if (auto f = functions.find(offset); f != functions.end()) {
        site->function = f->second;
      }
      auto [it, inserted] = sites.emplace(site->id, *site);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "log calls at ", it->second.Where(), " and ", site->Where(),
            " share the id ", site->id, "; move one to another line"));
      }
      offset += (h.size + 3) & ~3u;
    }
  }
  for (const auto& [id, callers] : SiteCallers(*sections, sites)) {
    sites[id].function = absl::StrJoin(callers, ",");
  }
  return sites;
}

}  // namespace bpfwarden
