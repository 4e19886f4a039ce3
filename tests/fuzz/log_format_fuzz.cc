// FormatLogRecord must not trust its site: any site, any record, and it
// reads only the record and writes only its result. The input is
//   nargs (mod 9), record_size (le16), nargs x {type, offset le16,
//   size le16}, npieces (mod 17), npieces x {arg (int8; < 0 is literal
//   text), hint (mod 7)}, then the record's bytes
// (missing fields are 0); the record is copied to a block of exactly its
// size, so that ASan sees a read past it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "daemon/core/log_sites.h"

namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  uint16_t Word() {
    const uint16_t low = Byte();
    return low | static_cast<uint16_t>(Byte() << 8);
  }
  absl::string_view Rest() const {
    return at_ < size_
               ? absl::string_view(reinterpret_cast<const char*>(data_) + at_,
                                   size_ - at_)
               : absl::string_view();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(data, size);
  bpfwarden::LogSite site;
  site.file = "fuzz.bpf.c";
  const int nargs = in.Byte() % 9;
  site.record_size = in.Word();
  for (int i = 0; i < nargs; ++i) {
    bpfwarden::LogArg arg;
    arg.type = in.Byte();
    arg.offset = in.Word();
    arg.size = in.Word();
    site.args.push_back(arg);
  }
  const int npieces = in.Byte() % 17;
  for (int i = 0; i < npieces; ++i) {
    bpfwarden::LogPiece piece;
    piece.arg = static_cast<int8_t>(in.Byte());
    piece.hint = static_cast<bpfwarden::LogHint>(in.Byte() % 7);
    if (piece.arg < 0) piece.text = ".";
    site.pieces.push_back(piece);
  }
  const absl::string_view rest = in.Rest();
  auto record = std::make_unique<char[]>(rest.size());
  if (!rest.empty()) std::memcpy(record.get(), rest.data(), rest.size());
  (void)bpfwarden::FormatLogRecord(
      site, absl::string_view(record.get(), rest.size()));
  return 0;
}
