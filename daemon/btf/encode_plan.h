// The codec's fast encoder (internal to daemon/btf): a type's BTF compiled
// once into a tree of renderers that write compact JSON text straight into
// a string, with offsets, kinds, pre-escaped field names and enumerator
// names resolved up front. No JSON DOM per value.
//
// Its output is byte for byte DumpJson(Walker::Encode(...)): the same field
// order, number spelling, string escaping and fallbacks (codec.h describes
// the forms).
#ifndef BPFWARDEN_DAEMON_BTF_ENCODE_PLAN_H_
#define BPFWARDEN_DAEMON_BTF_ENCODE_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/btf/btf_types.h"

namespace bpfwarden::btf_internal {

class EncodePlan {
 public:
  // `type_id` must have passed Walker::Validate.
  static EncodePlan Compile(const BtfTypes& types, uint32_t type_id);

  // Appends the JSON text of `bytes` (the type's size, checked by the
  // caller) to `out`.
  void Encode(const uint8_t* bytes, std::string& out) const;

 private:
  enum class Op : uint8_t {
    kUnsigned,
    kSigned,
    kBool,
    kEnum,
    kFloat,
    kDouble,
    kIp,
    kCharArray,  // text, or the byte array when the bytes are not text
    kArray,
    kObject,
  };
  struct Enumerator {
    uint64_t low_bits;   // the value's low `bits` bits
    std::string quoted;  // "\"NAME\""
  };
  struct Node {
    Op op = Op::kObject;
    std::string key;          // object members: "\"name\":"
    uint32_t bit_offset = 0;  // from the start of the enclosing frame (the
                              // root, or one array element)
    uint32_t bits = 0;        // scalars
    bool is_signed = false;   // integers and enums
    uint32_t count = 0;       // arrays: elements; ip: bytes
    uint32_t elem_size = 0;   // arrays: bytes per element
    std::vector<Enumerator> enumerators;
    std::vector<Node> children;  // object: members; arrays: the element
  };

  static Node CompileType(const BtfTypes& types, uint32_t id, bool ip_tagged,
                          uint32_t bit_offset);
  static Node CompileScalar(const struct btf* b, uint32_t id,
                            uint32_t bit_offset, uint32_t bits);
  static void CompileMembers(const BtfTypes& types, uint32_t id,
                             uint32_t bit_base, Node& object);

  static void Emit(const Node& node, const uint8_t* base, std::string& out);
  static void EmitArray(const Node& node, const uint8_t* base,
                        std::string& out);
  static uint64_t ReadRaw(const Node& node, const uint8_t* base);

  Node root_;
};

// Appends `text` as a JSON string, escaped as nlohmann's compact dump does
// (ensure_ascii off): \" \\ \b \f \n \r \t, other control bytes \u00xx.
void AppendJsonString(const char* text, size_t len, std::string& out);

}  // namespace bpfwarden::btf_internal

#endif  // BPFWARDEN_DAEMON_BTF_ENCODE_PLAN_H_
