// Keys and values between the API's Data (raw bytes or JSON text) and a
// map's bytes.
#ifndef BPFWARDEN_DAEMON_API_MAP_DATA_H_
#define BPFWARDEN_DAEMON_API_MAP_DATA_H_

#include <string>

#include "absl/status/statusor.h"
#include "daemon/maps/typed_map.h"
#include "bpfwarden/v1/api.pb.h"

namespace bpfwarden::api {

enum class Side { kKey, kValue };

// Most JSON bytes taken for a side of `raw_size` bytes: 64 per byte plus
// 4 KiB, refused before parsing.
size_t MaxJsonBytes(size_t raw_size);

// The bytes `data` stands for. Raw bytes must be exactly the side's size
// (key_size, or value_bytes() for values); JSON is parsed and encoded by the
// map's BTF. A map without keys (key_size 0: queue, stack, bloom filter)
// takes no key: the key is left out, empty raw bytes or JSON null. Errors
// are InvalidArgument and start with `path` (e.g.
// "entries[2].value") followed by the codec's field path.
absl::StatusOr<Bytes> DataToBytes(const TypedMap& map, const v1::Data& data,
                                  Side side, bool zero_fill,
                                  const std::string& path);

// DataToBytes without a copy for raw bytes: a view of `data`'s own bytes
// (valid as long as `data`), or of the decoded bytes, which it keeps in
// `scratch`. The same checks and errors.
absl::StatusOr<absl::Span<const uint8_t>> DataView(const TypedMap& map,
                                                   const v1::Data& data,
                                                   Side side, bool zero_fill,
                                                   const std::string& path,
                                                   Bytes& scratch);

// `bytes` as Data in `encoding` (UNSPECIFIED: JSON when the side has BTF,
// raw otherwise). The implicit key of a global-variables map is left unset
// (raw bytes when ENCODING_RAW).
absl::StatusOr<v1::Data> BytesToData(const TypedMap& map,
                                     absl::Span<const uint8_t> bytes, Side side,
                                     v1::Encoding encoding);

// Appends `bytes` as JSON text to `out`: the side's codec, or (encoding
// UNSPECIFIED, no BTF) the bytes in hex as a JSON string; null for the
// implicit key of a global-variables map. ENCODING_JSON on a
// side without a codec is the codec's FailedPrecondition.
absl::Status AppendJsonText(const TypedMap& map,
                            absl::Span<const uint8_t> bytes, Side side,
                            v1::Encoding encoding, std::string& out);

// INVALID_ARGUMENT for an encoding outside the enum's values (the wire
// carries any number; unchecked, it would answer as UNSPECIFIED).
absl::Status CheckEncoding(v1::Encoding encoding);

// The key as the client sent it, for audit records: JSON text or hex.
std::string DataForAudit(const v1::Data& data);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_MAP_DATA_H_
