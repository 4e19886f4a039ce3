#include "client/query_flags.h"

#include "absl/flags/flag.h"
#include "client/arg_prepass.h"

ABSL_FLAG(std::string, sort, "",
          "dump, top: sort by FIELD (numbers largest first; FIELD:asc or "
          "FIELD:desc to choose)");
ABSL_FLAG(uint32_t, top, 0,
          "dump: only the first N entries by --sort (bounded memory); top: "
          "rows shown (default: as many as fit)");
ABSL_FLAG(uint32_t, limit, 0, "dump: at most N entries");

namespace bpfwarden::cli {

QuerySpec QuerySpecFromFlags() {
  QuerySpec spec;
  spec.filters = FilterArgs();
  spec.sort = absl::GetFlag(FLAGS_sort);
  spec.top = absl::GetFlag(FLAGS_top);
  spec.limit = absl::GetFlag(FLAGS_limit);
  return spec;
}

}  // namespace bpfwarden::cli
