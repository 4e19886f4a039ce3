// Rows of text cells printed as aligned columns: the one table printer of
// the CLI (map entries, status, pins, top).
#ifndef BPFWARDEN_CLIENT_OUTPUT_TABLE_WRITER_H_
#define BPFWARDEN_CLIENT_OUTPUT_TABLE_WRITER_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace bpfwarden::cli::output {

struct Column {
  std::string name;            // the header, printed as it is
  bool align_right = false;    // numbers
  bool keep_end = false;       // paths: a cut keeps the end ("…/my.slice")
};

// The display width of UTF-8 `text` (one column a code point).
size_t DisplayWidth(const std::string& text);

// `text` cut to `width` display columns, its last one "…" when cut.
std::string CutToWidth(const std::string& text, size_t width);

// The same keeping the end: its first column "…" when cut.
std::string CutToWidthKeepingEnd(const std::string& text, size_t width);

// Prints a header and rows. Column widths come from the first
// `sizing_rows` rows (buffered until then, so memory stays bounded whatever
// the number of rows); later rows are printed as they come.
// With `max_width` > 0 columns wider than their header are narrowed, widest
// first, cells cut with "…", and the columns that still do not fit are left
// out from the right (hidden_columns()); with 0 nothing is cut (wide).
class TableWriter {
 public:
  static constexpr size_t kDefaultSizingRows = 1000;

  TableWriter(std::vector<Column> columns, std::ostream& out,
              size_t max_width, size_t sizing_rows = kDefaultSizingRows);
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  ~TableWriter();  // Finish()es

  // One row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  // Prints what is buffered (the header too, even with no rows).
  void Finish();

  const std::vector<Column>& columns() const { return columns_; }
  // Columns left out on the right because the line would not fit (known
  // once the widths are fixed: after sizing_rows rows or Finish()).
  size_t hidden_columns() const { return columns_.size() - shown_; }

 private:
  void FixWidths();
  void Fit(const std::vector<size_t>& header);
  void PrintRow(const std::vector<std::string>& cells);

  std::vector<Column> columns_;
  std::ostream& out_;
  size_t max_width_;
  size_t sizing_rows_;
  std::vector<std::vector<std::string>> buffered_;
  std::vector<size_t> widths_;  // set once the header is printed
  size_t shown_ = 0;
  bool finished_ = false;
};

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_TABLE_WRITER_H_
