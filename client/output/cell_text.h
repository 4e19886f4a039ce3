// One field's JSON as the text of a table cell.
#ifndef BPFWARDEN_CLIENT_OUTPUT_CELL_TEXT_H_
#define BPFWARDEN_CLIENT_OUTPUT_CELL_TEXT_H_

#include <string>

#include "client/output/entry_fields.h"
#include "daemon/btf/json.h"

namespace bpfwarden::cli::output {

// "1234567" as "1,234,567" (a leading '-' kept).
std::string GroupDigits(const std::string& digits);

// Strings (addresses, text) as they are; enumerators too, or without the
// field's enum_prefix when `human`; numbers bare, or grouped when `human`
// and the field is a counter; null (absent) as ""; arrays and objects as
// compact JSON.
std::string CellText(const Json* value, const EntryField& field, bool human);

// Numbers are right-aligned.
bool AlignsRight(const EntryField& field);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_CELL_TEXT_H_
