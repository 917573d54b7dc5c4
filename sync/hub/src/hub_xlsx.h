// Excel workbooks (.xlsx) in memory, for exports an analyst opens with no import step: Welsh letters intact
// (the file is UTF-8 XML by definition, unlike a CSV whose encoding a spreadsheet has to guess), numbers as
// numbers, times as real date-times. libxlsxwriter stays out of this header.
#pragma once

#include <string>
#include <vector>

#include "soundings/result.h"

namespace soundings::hub::detail {

// How a column's cells are written. A cell whose text does not fit its column's kind is written as text,
// so nothing is ever lost or changed: a kind is a promise that holds where it can be kept.
enum class XlsxKind {
  Text,      // always a string cell: never a formula, whatever the text starts with
  Number,    // a plain decimal that a spreadsheet shows back exactly ("7", "-2.5"); anything else is text
  DateTime,  // "YYYY-MM-DDTHH:MM:SSZ" as a date-time shown yyyy-mm-dd hh:mm:ss (UTC, as written)
};

struct XlsxSheet {
  std::string name;                  // at most 31 characters, none of []:*?/\ .
  std::vector<std::string> header;   // the first row, bold, frozen, with a filter
  std::vector<XlsxKind> kinds;       // per column; missing ones are Text
  std::vector<std::vector<std::string>> rows;
};

// The workbook as the bytes of an .xlsx file. libxlsxwriter writes only to files: it writes into a
// private temporary folder (mode 0700, under TMPDIR or /tmp) that is removed before returning, whatever
// happens. Every libxlsxwriter error comes back as an Error naming the sheet, row and column.
[[nodiscard]] Result<std::string> xlsx_workbook(const std::vector<XlsxSheet>& sheets);

// True when `text` goes into a Number column as a number (exposed for tests).
bool xlsx_plain_number(const std::string& text);

}  // namespace soundings::hub::detail
