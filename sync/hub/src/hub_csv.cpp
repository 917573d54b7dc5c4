// CSV fields and records (hub_csv.h).
#include "hub_csv.h"

namespace soundings::hub::detail {

namespace {
bool looks_numeric(const std::string& text) {
  if (text.empty()) return false;
  size_t digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!((c == '-' || c == '+') && i == 0) && c != '.') {
      return false;
    }
  }
  return digits > 0;
}
}  // namespace

std::string csv_field(const std::string& value) {
  std::string text = value;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r') &&
      !looks_numeric(text)) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void append_csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(cells[i]);
  }
  out += "\r\n";
}

}  // namespace soundings::hub::detail

namespace soundings::hub::detail {

namespace {

// Reads records one character at a time; `line` counts physical lines so that problems can name them.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  Result<std::vector<CsvRecord>> all() {
    if (text_.substr(0, 3) == kUtf8ByteOrderMark) at_ = 3;
    std::vector<CsvRecord> out;
    while (at_ < text_.size()) {
      CsvRecord record{line_, {}};
      if (auto read = record_fields(record.fields); !read) return read.error();
      // A line with nothing on it is no record (a blank line, or the file's last line end).
      if (!(record.fields.size() == 1 && record.fields[0].empty() && !last_quoted_)) out.push_back(std::move(record));
    }
    return out;
  }

 private:
  // Reads to the end of one record; at_ is then past its line end.
  Status record_fields(std::vector<std::string>& fields) {
    while (true) {
      std::string field;
      if (auto read = one_field(field); !read) return read;
      fields.push_back(std::move(field));
      if (at_ >= text_.size()) return Status::success();
      const char c = text_[at_++];
      if (c == ',') continue;
      end_line(c);
      return Status::success();
    }
  }

  // A line end is \n, \r\n or a lone \r; `c` is its first character, already taken.
  void end_line(char c) {
    if (c == '\r' && at_ < text_.size() && text_[at_] == '\n') ++at_;
    ++line_;
  }

  Status one_field(std::string& field) {
    last_quoted_ = at_ < text_.size() && text_[at_] == '"';
    if (!last_quoted_) {
      while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\r' && text_[at_] != '\n') {
        if (text_[at_] == '"') return problem(line_, "has a quote inside a field that does not start with one");
        field += text_[at_++];
      }
      return Status::success();
    }
    const int64_t started = line_;
    ++at_;
    while (true) {
      if (at_ >= text_.size()) return problem(started, "opens a quoted field that is never closed");
      const char c = text_[at_++];
      if (c == '"') {
        if (at_ < text_.size() && text_[at_] == '"') {
          field += '"';
          ++at_;
          continue;
        }
        if (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\r' && text_[at_] != '\n') {
          return problem(line_, "has something after a quoted field's closing quote (a quote inside a field is "
                                "written twice: \"\")");
        }
        return Status::success();
      }
      if (c == '\n' || (c == '\r' && !(at_ < text_.size() && text_[at_] == '\n'))) ++line_;
      field += c;
    }
  }

  static Error problem(int64_t line, const std::string& what) {
    return Error{ErrorCode::InvalidInput, "line " + std::to_string(line) + " " + what};
  }

  std::string_view text_;
  size_t at_ = 0;
  int64_t line_ = 1;
  bool last_quoted_ = false;
};

}  // namespace

Result<std::vector<CsvRecord>> read_csv(std::string_view text) { return CsvReader(text).all(); }

}  // namespace soundings::hub::detail
