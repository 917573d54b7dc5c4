// CSV for Excel and LibreOffice: RFC 4180 quoting, CRLF line ends, a byte order mark at the start
// of a file (added by the caller) so that Welsh letters are read as UTF-8. Reading too, for files
// head office brings in (walk lists), with the line each record starts on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "soundings/result.h"

namespace soundings::hub::detail {

inline constexpr const char* kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// One field, quoted when it must be. A resident's text that starts like a formula is prefixed
// with an apostrophe so that a spreadsheet shows it instead of running it.
std::string csv_field(const std::string& value);

// One record, CRLF-terminated as RFC 4180 and Excel expect.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

// One record read from a file, with the line it starts on (1 for the first; a quoted field may run
// over several lines).
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// RFC 4180: fields quoted with "" for a quote inside, holding commas and line breaks; CRLF or LF line
// ends; a byte order mark at the start is skipped; empty lines are skipped. A quote inside an unquoted
// field, anything but a comma or a line end after a closing quote, or a quote never closed is an
// InvalidInput error naming its line.
Result<std::vector<CsvRecord>> read_csv(std::string_view text);

}  // namespace soundings::hub::detail
