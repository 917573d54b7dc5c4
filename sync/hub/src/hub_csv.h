// CSV for Excel and LibreOffice: RFC 4180 quoting, CRLF line ends, a byte order mark at the start
// of a file (added by the caller) so that Welsh letters are read as UTF-8.
#pragma once

#include <string>
#include <vector>

namespace soundings::hub::detail {

inline constexpr const char* kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// One field, quoted when it must be. A resident's text that starts like a formula is prefixed
// with an apostrophe so that a spreadsheet shows it instead of running it.
std::string csv_field(const std::string& value);

// One record, CRLF-terminated as RFC 4180 and Excel expect.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace soundings::hub::detail
