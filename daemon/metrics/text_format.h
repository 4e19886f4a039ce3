// The Prometheus text exposition format (version 0.0.4): HELP and TYPE
// lines, then the family's samples, escaped as the format requires.
#ifndef BPFWARDEN_DAEMON_METRICS_TEXT_FORMAT_H_
#define BPFWARDEN_DAEMON_METRICS_TEXT_FORMAT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace bpfwarden::metrics {

// The Content-Type of what TextWriter writes.
inline constexpr char kTextContentType[] = "text/plain; version=0.0.4";

using Label = std::pair<std::string, std::string>;  // name, value
using Labels = std::vector<Label>;

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), or a
// valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__").
bool ValidMetricName(absl::string_view name);
bool ValidLabelName(absl::string_view name);

// Appends a label value escaped (\\, \", \n) to `out`, as valid UTF-8:
// each ill-formed subpart becomes U+FFFD (utf8.h). HELP text is treated
// the same way (without the quote).
void AppendLabelValue(absl::string_view value, std::string& out);
// Appends a sample value: integers exactly (up to 2^53 and every uint64),
// others with 15 significant digits, or 17 where 15 do not read back
// exactly,, "+Inf", "-Inf", "NaN".
void AppendValue(double value, std::string& out);

// Writes families one after the other into one string. The caller writes
// each family's samples right after its Family() call.
class TextWriter {
 public:
  // `type`: "counter", "gauge", "histogram" or "untyped".
  void Family(absl::string_view name, absl::string_view help,
              absl::string_view type);
  void Sample(absl::string_view name, const Labels& labels, double value);
  void Sample(absl::string_view name, const Labels& labels, uint64_t value);
  // A sample whose label text is already escaped and joined: `labels` is
  // what goes between the braces ("a=\"1\",b=\"2\""), empty for none.
  void RawSample(absl::string_view name, absl::string_view labels,
                 double value);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Head(absl::string_view name, const Labels& labels);

  std::string out_;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_TEXT_FORMAT_H_
