#include "daemon/btf/json.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace bpfwarden {
absl::StatusOr<Json> ParseJson(absl::string_view text, absl::string_view what) {
  // The callback-free parser with allow_exceptions = false yields a discarded
  // value on error; find where by running the SAX accept pass.
  Json value = Json::parse(text.begin(), text.end(), nullptr,
                           /*allow_exceptions=*/false);
  if (!value.is_discarded()) return value;
  struct Locator : nlohmann::detail::json_sax_acceptor<Json> {
    bool parse_error(std::size_t position, const std::string& token,
                     const nlohmann::detail::exception&) {
      where = position;
      last_token = token;
      return false;
    }
    std::size_t where = 0;
    std::string last_token;
  } locator;
  Json::sax_parse(text.begin(), text.end(), &locator,
                  nlohmann::detail::input_format_t::json, /*strict=*/true);
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": malformed JSON at byte ", locator.where,
                   locator.last_token.empty()
                       ? ""
                       : absl::StrCat(" near '", locator.last_token, "'")));
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false,
                    Json::error_handler_t::replace);
}

}  // namespace bpfwarden
