// How the CLI prints map entries: one {"key":K,"value":V} line an entry,
// JSON as the daemon sent it, raw bytes as hex strings.
#ifndef BPFWARDEN_CLIENT_ENTRY_OUTPUT_H_
#define BPFWARDEN_CLIENT_ENTRY_OUTPUT_H_

#include <string>

#include "proto/api.pb.h"

namespace bpfwarden::cli {

// JSON text of one key or value: its JSON, raw bytes as a hex string, null
// when unset (the implicit key of global variables).
std::string Render(const bpfwarden::v1::Data& data);

// One entry to stdout.
void PrintEntry(const bpfwarden::v1::Entry& entry);

// A packed Dump page to stdout: the daemon's JSON lines as they are, or raw
// keys and values in hex, one entry a line.
void PrintPackedPage(const bpfwarden::v1::DumpResponse& page);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ENTRY_OUTPUT_H_
