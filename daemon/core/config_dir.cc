#include "daemon/core/config_dir.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace bpfwarden {
namespace {

class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error.empty()) {
      error = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                           message);
    }
  }
  std::string error;
};

}  // namespace

absl::StatusOr<v1::Config> ParseConfigText(absl::string_view text,
                                           const std::string& label) {
  v1::Config config;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ", label, ": ", errors.error));
  }
  return config;
}

absl::StatusOr<v1::Config> ReadConfigDir(const std::string& dir) {
  v1::Config merged;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return merged;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".textproto") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
      return absl::InvalidArgumentError(absl::StrCat("cannot read ", file));
    absl::StatusOr<v1::Config> config = ParseConfigText(text.str(), file);
    if (!config.ok()) return config.status();
    merged.MergeFrom(*config);
  }
  std::set<std::string> names;
  for (const v1::ProgramSet& set : merged.program_sets()) {
    if (!names.insert(set.name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config ", dir, ": program set ", set.name(), " is defined twice"));
    }
  }
  return merged;
}

}  // namespace bpfwarden
