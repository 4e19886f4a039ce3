#include "client/output/table_writer.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace bpfwarden::cli::output {
namespace {

constexpr size_t kGap = 2;       // spaces between columns
constexpr size_t kMinWidth = 3;  // a narrowed column keeps this much

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuation(c)) ++width;
  }
  return width;
}

std::string CutToWidth(const std::string& text, size_t width) {
  if (DisplayWidth(text) <= width) return text;
  if (width == 0) return "";
  std::string out;
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsContinuation(text[i])) {
      if (shown == width - 1) break;
      ++shown;
    }
    out.push_back(text[i]);
  }
  return out + "\xE2\x80\xA6";  // …
}

TableWriter::TableWriter(std::vector<Column> columns, std::ostream& out,
                         size_t max_width, size_t sizing_rows)
    : columns_(std::move(columns)),
      out_(out),
      max_width_(max_width),
      sizing_rows_(std::max<size_t>(sizing_rows, 1)) {}

TableWriter::~TableWriter() { Finish(); }

void TableWriter::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  if (widths_.empty()) {
    buffered_.push_back(std::move(cells));
    if (buffered_.size() >= sizing_rows_) FixWidths();
    return;
  }
  PrintRow(cells);
}

void TableWriter::Finish() {
  if (finished_) return;
  finished_ = true;
  if (widths_.empty()) FixWidths();
  out_.flush();
}

// Natural widths from the header and the buffered rows; then, when a line
// would be longer than max_width_, the widest column loses a column at a
// time (down to kMinWidth) until it fits.
void TableWriter::FixWidths() {
  widths_.assign(columns_.size(), 0);
  for (size_t i = 0; i < columns_.size(); ++i) {
    widths_[i] = DisplayWidth(columns_[i].name);
    for (const auto& row : buffered_) {
      widths_[i] = std::max(widths_[i], DisplayWidth(row[i]));
    }
  }
  if (max_width_ > 0 && !widths_.empty()) {
    auto total = [&] {
      return std::accumulate(widths_.begin(), widths_.end(), size_t{0}) +
             kGap * (widths_.size() - 1);
    };
    while (total() > max_width_) {
      auto widest = std::max_element(widths_.begin(), widths_.end());
      if (*widest <= kMinWidth) break;
      --*widest;
    }
  }
  std::vector<std::string> header;
  for (const Column& c : columns_) header.push_back(c.name);
  PrintRow(header);
  for (const auto& row : buffered_) PrintRow(row);
  buffered_.clear();
  buffered_.shrink_to_fit();
}

void TableWriter::PrintRow(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const bool last = i + 1 == columns_.size();
    std::string cell =
        max_width_ > 0 ? CutToWidth(cells[i], widths_[i]) : cells[i];
    const size_t width = DisplayWidth(cell);
    const size_t pad = widths_[i] > width ? widths_[i] - width : 0;
    if (columns_[i].align_right) {
      line.append(pad, ' ');
      line += cell;
    } else {
      line += cell;
      if (!last) line.append(pad, ' ');
    }
    if (!last) line.append(kGap, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out_ << line << '\n';
}

}  // namespace bpfwarden::cli::output
