// --filter FIELD=VALUE: one condition on an entry's field. Operators = != <
// <= > >=; VALUE in the field's text form: a number, an enumerator name, an
// address, or for address fields with = and != a prefix (10.0.0.0/8,
// 2001:db8::/32).
#ifndef BPFWARDEN_CLIENT_QUERY_FILTER_H_
#define BPFWARDEN_CLIENT_QUERY_FILTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "client/query/fields.h"
#include "client/query/values.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli {

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe };

class Filter {
 public:
  // InvalidArgument naming the filter for an unknown field, a field that is
  // not a leaf (struct, array), a value that does not fit the field's kind
  // or an operator the kind has no order for.
  static absl::StatusOr<Filter> Parse(const std::string& spec,
                                      const FieldSet& fields);

  bool Matches(const Json& entry) const;

 private:
  Field field_;
  bool per_cpu_ = false;
  FilterOp op_ = FilterOp::kEq;
  Json value_;                  // numbers, strings, bools, enum names
  bool address_ = false;
  AddrPrefix prefix_;           // address fields
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_FILTER_H_
