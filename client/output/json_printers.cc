// The script formats: jsonl (and raw) and json.
#include <ostream>

#include "client/output/printers.h"

namespace bpfwarden::cli::output {
namespace {

class JsonLinesPrinter : public EntryPrinter {
 public:
  explicit JsonLinesPrinter(std::ostream& out) : out_(out) {}

  absl::Status AddJson(absl::string_view key, absl::string_view value) override {
    out_ << "{\"key\":" << key << ",\"value\":" << value << "}\n";
    return absl::OkStatus();
  }

  // The daemon's lines are this format's lines: written as they came, in
  // one write (a line per entry through the stream was most of a large
  // dump's time).
  absl::Status AddJsonLines(absl::string_view lines) override {
    out_.write(lines.data(), static_cast<std::streamsize>(lines.size()));
    if (!lines.empty() && lines.back() != '\n') out_.put('\n');
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    out_.flush();
    return absl::OkStatus();
  }

 private:
  std::ostream& out_;
};

class JsonDocumentPrinter : public EntryPrinter {
 public:
  explicit JsonDocumentPrinter(std::ostream& out) : out_(out) {}

  absl::Status AddJson(absl::string_view key, absl::string_view value) override {
    out_ << (first_ ? "[\n" : ",\n") << "{\"key\":" << key
         << ",\"value\":" << value << "}";
    first_ = false;
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    out_ << (first_ ? "[]\n" : "\n]\n");
    first_ = true;
    out_.flush();
    return absl::OkStatus();
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<EntryPrinter> NewJsonLinesPrinter(std::ostream& out) {
  return std::make_unique<JsonLinesPrinter>(out);
}

std::unique_ptr<EntryPrinter> NewJsonDocumentPrinter(std::ostream& out) {
  return std::make_unique<JsonDocumentPrinter>(out);
}

}  // namespace bpfwarden::cli::output
