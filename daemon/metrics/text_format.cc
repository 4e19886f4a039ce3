#include "daemon/metrics/text_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/metrics/utf8.h"

namespace bpfwarden::metrics {
namespace {

bool ValidName(absl::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = absl::ascii_isalpha(c) || c == '_' || (colon && c == ':') ||
                    (i > 0 && absl::ascii_isdigit(c));
    if (!ok) return false;
  }
  return true;
}

// Appends `text` as valid UTF-8 (each ill-formed subpart as U+FFFD), with
// backslash and newline escaped, and the double quote too when `quote`
// (label values; HELP text escapes only the first two).
void AppendEscaped(absl::string_view text, bool quote, std::string& out) {
  while (!text.empty()) {
    const Utf8Step step = NextUtf8(text);
    if (!step.valid) {
      out += kReplacementCharacter;
    } else if (text[0] == '\\') {
      out += "\\\\";
    } else if (text[0] == '\n') {
      out += "\\n";
    } else if (text[0] == '"' && quote) {
      out += "\\\"";
    } else {
      out.append(text.data(), step.length);
    }
    text.remove_prefix(step.length);
  }
}

void AppendHelp(absl::string_view help, std::string& out) {
  AppendEscaped(help, /*quote=*/false, out);
}

}  // namespace

bool ValidMetricName(absl::string_view name) { return ValidName(name, true); }

bool ValidLabelName(absl::string_view name) {
  return ValidName(name, false) && !absl::StartsWith(name, "__");
}

void AppendLabelValue(absl::string_view value, std::string& out) {
  AppendEscaped(value, /*quote=*/true, out);
}

void AppendValue(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::trunc(value) && std::fabs(value) <= 9007199254740992.0) {
    absl::StrAppend(&out, static_cast<int64_t>(value));
  } else {
    // The shortest of 15 or 17 significant digits that reads back exactly.
    char buf[32];
    int n = std::snprintf(buf, sizeof(buf), "%.15g", value);
    if (std::strtod(buf, nullptr) != value) {
      n = std::snprintf(buf, sizeof(buf), "%.17g", value);
    }
    out.append(buf, n);
  }
}

void TextWriter::Family(absl::string_view name, absl::string_view help,
                        absl::string_view type) {
  absl::StrAppend(&out_, "# HELP ", name, " ");
  AppendHelp(help, out_);
  absl::StrAppend(&out_, "\n# TYPE ", name, " ", type, "\n");
}

void TextWriter::Head(absl::string_view name, const Labels& labels) {
  out_.append(name.data(), name.size());
  if (labels.empty()) return;
  out_ += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out_ += ',';
    absl::StrAppend(&out_, labels[i].first, "=\"");
    AppendLabelValue(labels[i].second, out_);
    out_ += '"';
  }
  out_ += '}';
}

void TextWriter::Sample(absl::string_view name, const Labels& labels,
                        double value) {
  Head(name, labels);
  out_ += ' ';
  AppendValue(value, out_);
  out_ += '\n';
}

void TextWriter::Sample(absl::string_view name, const Labels& labels,
                        uint64_t value) {
  Head(name, labels);
  absl::StrAppend(&out_, " ", value, "\n");
}

void TextWriter::RawSample(absl::string_view name, absl::string_view labels,
                           double value) {
  out_.append(name.data(), name.size());
  if (!labels.empty()) absl::StrAppend(&out_, "{", labels, "}");
  out_ += ' ';
  AppendValue(value, out_);
  out_ += '\n';
}

}  // namespace bpfwarden::metrics
