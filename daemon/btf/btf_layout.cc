#include "daemon/btf/btf_layout.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden {
namespace {

constexpr int kMaxDepth = 32;

const char* KindName(int kind) {
  switch (kind) {
    case BTF_KIND_INT:
      return "int";
    case BTF_KIND_PTR:
      return "pointer";
    case BTF_KIND_ARRAY:
      return "array";
    case BTF_KIND_STRUCT:
      return "struct";
    case BTF_KIND_UNION:
      return "union";
    case BTF_KIND_ENUM:
      return "enum";
    case BTF_KIND_ENUM64:
      return "enum64";
    case BTF_KIND_FWD:
      return "forward declaration";
    case BTF_KIND_FLOAT:
      return "float";
    default:
      return "other";
  }
}

// Skips typedefs and qualifiers.
uint32_t Resolve(const btf* b, uint32_t id) {
  for (int i = 0; i < kMaxDepth && id != 0; ++i) {
    const btf_type* t = btf__type_by_id(b, id);
    if (t == nullptr) return id;
    switch (btf_kind(t)) {
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        id = t->type;
        break;
      default:
        return id;
    }
  }
  return id;
}

std::string Name(const btf* b, const btf_type* t) {
  const char* name = btf__name_by_offset(b, t->name_off);
  return name && *name ? name : "(anonymous)";
}

std::string Label(const btf* b, const btf_type* t) {
  return absl::StrCat(KindName(btf_kind(t)), " ", Name(b, t));
}

template <typename T>
std::string Differs(const std::string& where, const char* what, T old_value,
                    T new_value) {
  return absl::StrCat(where, ": ", what, " ", old_value, " in the pinned map, ",
                      new_value, " in the object");
}

std::string Compare(const btf* ob, uint32_t oid, const btf* nb, uint32_t nid,
                    const std::string& where, int depth);

std::string CompareMembers(const btf* ob, const btf_type* ot, const btf* nb,
                           const btf_type* nt, const std::string& where,
                           int depth) {
  const btf_member* om = btf_members(ot);
  const btf_member* nm = btf_members(nt);
  const int on = btf_vlen(ot), nn = btf_vlen(nt);
  for (int i = 0; i < on && i < nn; ++i) {
    std::string oname = btf__name_by_offset(ob, om[i].name_off);
    std::string nname = btf__name_by_offset(nb, nm[i].name_off);
    std::string at = absl::StrCat(where, ": member ", i, " (", oname, ")");
    if (oname != nname) {
      return absl::StrCat(at, ": named ", oname, " in the pinned map, ", nname,
                          " in the object");
    }
    uint32_t ooff = btf_member_bit_offset(ot, i),
             noff = btf_member_bit_offset(nt, i);
    if (ooff != noff) {
      return (ooff % 8 == 0 && noff % 8 == 0)
                 ? Differs(at, "byte offset", ooff / 8, noff / 8)
                 : Differs(at, "bit offset", ooff, noff);
    }
    uint32_t obits = btf_member_bitfield_size(ot, i);
    uint32_t nbits = btf_member_bitfield_size(nt, i);
    if (obits != nbits) return Differs(at, "bitfield size", obits, nbits);
    std::string diff = Compare(ob, om[i].type, nb, nm[i].type, at, depth + 1);
    if (!diff.empty()) return diff;
  }
  if (on != nn) {
    const bool more_new = nn > on;
    const btf* b = more_new ? nb : ob;
    const btf_member* m = more_new ? &nm[on] : &om[nn];
    return absl::StrCat(where, ": ", on, " members in the pinned map, ", nn,
                        " in the object (", more_new ? "added: " : "removed: ",
                        btf__name_by_offset(b, m->name_off), ")");
  }
  return "";
}

std::string Compare(const btf* ob, uint32_t oid, const btf* nb, uint32_t nid,
                    const std::string& where, int depth) {
  if (depth > kMaxDepth) return "";
  oid = Resolve(ob, oid);
  nid = Resolve(nb, nid);
  const btf_type* ot = btf__type_by_id(ob, oid);
  const btf_type* nt = btf__type_by_id(nb, nid);
  if (ot == nullptr || nt == nullptr) {
    return absl::StrCat(where, ": type id ", ot ? nid : oid, " is missing");
  }
  if (oid == 0 || nid == 0) {
    return oid == nid ? "" : absl::StrCat(where, ": void on one side only");
  }
  const std::string at = where.empty() ? Label(ob, ot) : where;
  if (btf_kind(ot) != btf_kind(nt)) {
    return absl::StrCat(at, ": ", Label(ob, ot), " in the pinned map, ",
                        Label(nb, nt), " in the object");
  }
  switch (btf_kind(ot)) {
    case BTF_KIND_INT: {
      if (ot->size != nt->size) return Differs(at, "size", ot->size, nt->size);
      uint32_t oi = *reinterpret_cast<const uint32_t*>(ot + 1);
      uint32_t ni = *reinterpret_cast<const uint32_t*>(nt + 1);
      if (BTF_INT_ENCODING(oi) != BTF_INT_ENCODING(ni)) {
        return absl::StrCat(at, ": ", Name(ob, ot), " in the pinned map, ",
                            Name(nb, nt), " in the object (signedness)");
      }
      if (BTF_INT_BITS(oi) != BTF_INT_BITS(ni)) {
        return Differs(at, "bits", BTF_INT_BITS(oi), BTF_INT_BITS(ni));
      }
      return "";
    }
    case BTF_KIND_FLOAT:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      if (ot->size != nt->size) return Differs(at, "size", ot->size, nt->size);
      return "";
    case BTF_KIND_PTR:
      return "";
    case BTF_KIND_ARRAY: {
      const struct btf_array* oa = btf_array(ot);
      const struct btf_array* na = btf_array(nt);
      if (oa->nelems != na->nelems) {
        return Differs(at, "array length", oa->nelems, na->nelems);
      }
      return Compare(ob, oa->type, nb, na->type, absl::StrCat(at, "[]"),
                     depth + 1);
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      const std::string label = Label(ob, ot);
      if (Name(ob, ot) != Name(nb, nt)) {
        return absl::StrCat(at, ": ", label, " in the pinned map, ",
                            Label(nb, nt), " in the object");
      }
      // Members first, so that a change names its field; then the size
      // (padding at the end).
      std::string members =
          CompareMembers(ob, ot, nb, nt, where.empty() ? label : at, depth);
      if (!members.empty()) return members;
      if (ot->size != nt->size) {
        return Differs(
            absl::StrCat(at, where.empty() ? "" : " (" + label + ")"), "size",
            ot->size, nt->size);
      }
      return "";
    }
    default:
      return "";
  }
}

}  // namespace

std::string DescribeLayoutDifference(const btf* old_btf, uint32_t old_id,
                                     const btf* new_btf, uint32_t new_id) {
  return Compare(old_btf, old_id, new_btf, new_id, "", 0);
}

}  // namespace bpfwarden
