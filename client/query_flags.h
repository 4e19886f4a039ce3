// The query flags of dump and top: --filter (repeatable), --sort, --top,
// --limit.
#ifndef BPFWARDEN_CLIENT_QUERY_FLAGS_H_
#define BPFWARDEN_CLIENT_QUERY_FLAGS_H_

#include "client/query/query.h"

namespace bpfwarden::cli {

QuerySpec QuerySpecFromFlags();

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_QUERY_FLAGS_H_
