#include "client/output/table_writer.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace bpfwarden::cli::output {
namespace {

constexpr size_t kGap = 2;       // spaces between columns
constexpr size_t kMinWidth = 6;   // a narrowed column keeps this much
constexpr size_t kKeepText = 24;  // and this much of its text

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

std::string CutToWidthKeepingEnd(const std::string& text, size_t width) {
  const size_t total = DisplayWidth(text);
  if (total <= width) return text;
  if (width == 0) return "";
  size_t skip = total - (width - 1);  // code points to drop from the front
  size_t i = 0;
  for (; i < text.size(); ++i) {
    if (!IsContinuation(text[i])) {
      if (skip == 0) break;
      --skip;
    }
  }
  return "\xE2\x80\xA6" + text.substr(i);
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

// Natural widths from the header and the buffered rows. When a line would
// be longer than max_width_: text columns wider than their header lose a
// column at a time, widest first, down to the header's width or kKeepText,
// cells cut with "…" (numbers are never cut); then the columns that still
// do not fit are left out from the right; a lone column is cut to fit.
void TableWriter::FixWidths() {
  const size_t n = columns_.size();
  std::vector<size_t> data(n, 0), header(n, 0);
  for (size_t i = 0; i < n; ++i) {
    header[i] = DisplayWidth(columns_[i].name);
    for (const auto& row : buffered_) {
      data[i] = std::max(data[i], DisplayWidth(row[i]));
    }
  }
  widths_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) widths_[i] = std::max(data[i], header[i]);
  shown_ = n;
  if (max_width_ > 0 && n > 0) Fit(header);
  std::vector<std::string> names;
  for (const Column& c : columns_) names.push_back(c.name);
  PrintRow(names);
  for (const auto& row : buffered_) PrintRow(row);
  buffered_.clear();
  buffered_.shrink_to_fit();
}

void TableWriter::Fit(const std::vector<size_t>& header) {
  auto total = [&] {
    return std::accumulate(widths_.begin(), widths_.begin() + shown_,
                           size_t{0}) +
           kGap * (shown_ - 1);
  };
  // Numbers are never cut (a cut number reads as another number); text
  // keeps its header's width and up to kKeepText of itself.
  auto floor_of = [&](size_t i) {
    if (columns_[i].align_right) return widths_[i];
    return std::max({header[i], kMinWidth, std::min(widths_[i], kKeepText)});
  };
  while (total() > max_width_) {
    size_t widest = shown_;
    for (size_t i = 0; i < shown_; ++i) {
      if (widths_[i] <= floor_of(i)) continue;
      if (widest == shown_ || widths_[i] > widths_[widest]) widest = i;
    }
    if (widest == shown_) break;
    --widths_[widest];
  }
  while (shown_ > 1 && total() > max_width_) --shown_;
  if (total() > max_width_) widths_[0] = max_width_;
}

void TableWriter::PrintRow(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < shown_; ++i) {
    const bool last = i + 1 == shown_;
    // A number is never cut, even one wider than the widths fixed earlier.
    std::string cell = cells[i];
    if (max_width_ > 0 && !columns_[i].align_right) {
      cell = columns_[i].keep_end ? CutToWidthKeepingEnd(cell, widths_[i])
                                  : CutToWidth(cell, widths_[i]);
    }
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
