#include "tests/testing/elf_patch.h"

#include <elf.h>
#include <linux/btf.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace bpfwarden::testing {
namespace {

struct Span {
  size_t offset = 0;
  size_t size = 0;
};

absl::Status FindSection(const std::string& elf, absl::string_view name,
                         Span* out) {
  Elf64_Ehdr eh;
  if (elf.size() < sizeof(eh)) return absl::InvalidArgumentError("not ELF");
  std::memcpy(&eh, elf.data(), sizeof(eh));
  auto header = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, elf.data() + eh.e_shoff + i * sizeof(sh), sizeof(sh));
    return sh;
  };
  const Elf64_Shdr names = header(eh.e_shstrndx);
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = header(i);
    if (name == elf.c_str() + names.sh_offset + sh.sh_name) {
      *out = {sh.sh_offset, sh.sh_size};
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("no section ", name));
}

// The .BTF header, its type section and its string section.
absl::Status FindBtf(const std::string& elf, btf_header* hdr, Span* types,
                     Span* strings) {
  Span btf;
  if (absl::Status s = FindSection(elf, ".BTF", &btf); !s.ok()) return s;
  std::memcpy(hdr, elf.data() + btf.offset, sizeof(*hdr));
  *types = {btf.offset + hdr->hdr_len + hdr->type_off, hdr->type_len};
  *strings = {btf.offset + hdr->hdr_len + hdr->str_off, hdr->str_len};
  return absl::OkStatus();
}

// Bytes that follow a btf_type of this kind.
size_t ExtraBytes(const btf_type& t) {
  const size_t vlen = BTF_INFO_VLEN(t.info);
  switch (BTF_INFO_KIND(t.info)) {
    case BTF_KIND_INT:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
      return 4;
    case BTF_KIND_ARRAY:
      return sizeof(btf_array);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return vlen * sizeof(btf_member);
    case BTF_KIND_ENUM:
      return vlen * sizeof(btf_enum);
    case BTF_KIND_FUNC_PROTO:
      return vlen * sizeof(btf_param);
    case BTF_KIND_DATASEC:
      return vlen * sizeof(btf_var_secinfo);
    case 19:  // BTF_KIND_ENUM64
      return vlen * 12;
    default:
      return 0;
  }
}

}  // namespace

absl::Status ReplaceString(std::string* elf, absl::string_view section,
                           absl::string_view from, absl::string_view to) {
  if (from.size() != to.size()) {
    return absl::InvalidArgumentError("replacement must keep the length");
  }
  Span sec;
  if (absl::Status s = FindSection(*elf, section, &sec); !s.ok()) return s;
  const std::string needle =
      absl::StrCat(std::string(1, '\0'), from, std::string(1, '\0'));
  const size_t at = elf->find(needle, sec.offset);
  if (at == std::string::npos || at + needle.size() > sec.offset + sec.size) {
    return absl::NotFoundError(
        absl::StrCat("no string ", from, " in ", section));
  }
  elf->replace(at + 1, to.size(), to.data(), to.size());
  return absl::OkStatus();
}

absl::Status SetDatasecVarOffsets(std::string* elf, absl::string_view section,
                                  uint32_t offset) {
  btf_header hdr;
  Span types, strings;
  if (absl::Status s = FindBtf(*elf, &hdr, &types, &strings); !s.ok()) {
    return s;
  }
  for (size_t at = types.offset; at < types.offset + types.size;) {
    btf_type t;
    std::memcpy(&t, elf->data() + at, sizeof(t));
    const size_t next = at + sizeof(t) + ExtraBytes(t);
    if (BTF_INFO_KIND(t.info) == BTF_KIND_DATASEC &&
        section == elf->c_str() + strings.offset + t.name_off) {
      for (size_t i = 0; i < BTF_INFO_VLEN(t.info); ++i) {
        const size_t field = at + sizeof(t) + i * sizeof(btf_var_secinfo) +
                             offsetof(btf_var_secinfo, offset);
        std::memcpy(elf->data() + field, &offset, sizeof(offset));
      }
      return absl::OkStatus();
    }
    at = next;
  }
  return absl::NotFoundError(absl::StrCat("no DATASEC ", section));
}

absl::Status EditLogSite(std::string* elf, absl::string_view format,
                         const std::function<void(bw_log_site&)>& edit) {
  Span sec;
  if (absl::Status s = FindSection(*elf, BW_LOG_SITES_SECTION, &sec); !s.ok()) {
    return s;
  }
  for (size_t at = sec.offset;
       at + sizeof(bw_log_site) <= sec.offset + sec.size;
       at += sizeof(uint32_t)) {
    bw_log_site h;
    std::memcpy(&h, elf->data() + at, sizeof(h));
    if (h.magic != BW_LOG_SITE_MAGIC) continue;
    const size_t text = at + sizeof(h) + h.file_len;
    if (text + h.format_len > elf->size()) continue;
    if (elf->compare(text, h.format_len, std::string(format) + '\0') == 0) {
      edit(h);
      std::memcpy(elf->data() + at, &h, sizeof(h));
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("no log call \"", format, "\""));
}

}  // namespace bpfwarden::testing
