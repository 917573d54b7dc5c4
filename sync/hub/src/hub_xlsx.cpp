// Excel workbooks in memory over libxlsxwriter (hub_xlsx.h).
#include "hub_xlsx.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace soundings::hub::detail {

namespace {

// Excel's limit for one cell; longer text is cut there with a visible mark, as no spreadsheet can hold it.
constexpr size_t kMaxCellCharacters = 32767;
constexpr const char* kCutMark = " [...]";

// A private folder for libxlsxwriter's file and its own temporary files, removed with everything in it.
class PrivateFolder {
 public:
  PrivateFolder() {
    std::error_code ignored;
    std::filesystem::path base = std::filesystem::temp_directory_path(ignored);
    if (base.empty()) base = "/tmp";
    std::string pattern = (base / "soundings-xlsx-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;  // mkdtemp makes it 0700
    else problem_ = std::strerror(errno);
  }
  ~PrivateFolder() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateFolder(const PrivateFolder&) = delete;
  PrivateFolder& operator=(const PrivateFolder&) = delete;
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string path_;
  std::string problem_;
};

// Owns a workbook until it is closed, so that an early return never leaks it or its temporary files.
class Workbook {
 public:
  explicit Workbook(lxw_workbook* workbook) : workbook_(workbook) {}
  ~Workbook() {
    if (workbook_ != nullptr) workbook_close(workbook_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  lxw_workbook* get() const { return workbook_; }
  lxw_error close() {
    const lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    return error;
  }

 private:
  lxw_workbook* workbook_;
};

Error xlsx_error(const std::string& where, lxw_error error) {
  return Error{ErrorCode::Internal, "writing the .xlsx file: " + where + ": " + lxw_strerror(error)};
}

bool digits(const std::string& text, size_t at, size_t count) {
  if (at + count > text.size()) return false;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

int number_at(const std::string& text, size_t at, size_t count) { return std::stoi(text.substr(at, count)); }

// "YYYY-MM-DDTHH:MM:SSZ" within what a spreadsheet holds as a date (1900 to 9999); nothing looser, so
// that a time is never read as something it is not.
bool parse_utc_time(const std::string& text, lxw_datetime& out) {
  if (text.size() != 20 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
      !digits(text, 8, 2) || text[10] != 'T' || !digits(text, 11, 2) || text[13] != ':' || !digits(text, 14, 2) ||
      text[16] != ':' || !digits(text, 17, 2) || text[19] != 'Z') {
    return false;
  }
  out.year = number_at(text, 0, 4);
  out.month = number_at(text, 5, 2);
  out.day = number_at(text, 8, 2);
  out.hour = number_at(text, 11, 2);
  out.min = number_at(text, 14, 2);
  out.sec = number_at(text, 17, 2);
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (out.year % 4 == 0 && out.year % 100 != 0) || out.year % 400 == 0;
  if (out.year < 1900 || out.month < 1 || out.month > 12 || out.day < 1 || out.day > kDaysIn[out.month - 1] ||
      (out.month == 2 && out.day == 29 && !leap) || out.hour > 23 || out.min > 59 || out.sec > 59) {
    return false;
  }
  return true;
}

size_t utf8_characters(const std::string& text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// The text cut to Excel's limit at a character boundary, with the mark inside the limit.
std::string fit_in_cell(const std::string& text) {
  if (text.size() <= kMaxCellCharacters || utf8_characters(text) <= kMaxCellCharacters) return text;
  const size_t keep = kMaxCellCharacters - std::strlen(kCutMark);
  size_t characters = 0;
  size_t at = 0;
  for (; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && characters++ == keep) break;
  }
  return text.substr(0, at) + kCutMark;
}

struct Formats {
  lxw_format* header = nullptr;
  lxw_format* datetime = nullptr;
  lxw_format* text = nullptr;  // wraps nothing; marks the cell as text so a typed-over value stays text
};

Status write_cell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& text, XlsxKind kind,
                  const Formats& formats, const std::string& where) {
  if (text.empty()) return Status::success();  // an empty cell, as in the CSV
  lxw_error error = LXW_NO_ERROR;
  lxw_datetime when{};
  if (kind == XlsxKind::Number && xlsx_plain_number(text)) {
    error = worksheet_write_number(sheet, row, col, std::strtod(text.c_str(), nullptr), nullptr);
  } else if (kind == XlsxKind::DateTime && parse_utc_time(text, when)) {
    error = worksheet_write_datetime(sheet, row, col, &when, formats.datetime);
  } else {
    error = worksheet_write_string(sheet, row, col, fit_in_cell(text).c_str(), formats.text);
  }
  if (error != LXW_NO_ERROR) {
    return xlsx_error(where + ", row " + std::to_string(row + 1) + ", column " + std::to_string(col + 1), error);
  }
  return Status::success();
}

// Wide enough for the heading and the first rows' text (an id, a venue), up to a limit: a long answer is
// there in full when the column is widened.
double column_width(const XlsxSheet& sheet, size_t col, XlsxKind kind) {
  if (kind == XlsxKind::DateTime) return 20;
  size_t widest = utf8_characters(sheet.header[col]);
  for (size_t r = 0; r < sheet.rows.size() && r < 50; ++r) {
    if (col < sheet.rows[r].size()) widest = std::max(widest, utf8_characters(sheet.rows[r][col]));
  }
  return static_cast<double>(std::min<size_t>(50, widest + 2));
}

Status write_sheet(lxw_workbook* workbook, const XlsxSheet& sheet, const Formats& formats) {
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook, sheet.name.c_str());
  if (worksheet == nullptr) {
    return Error{ErrorCode::Internal, "writing the .xlsx file: the sheet name \"" + sheet.name + "\" was refused"};
  }
  const std::string where = "sheet \"" + sheet.name + "\"";
  const auto kind_of = [&](size_t col) { return col < sheet.kinds.size() ? sheet.kinds[col] : XlsxKind::Text; };
  for (size_t col = 0; col < sheet.header.size(); ++col) {
    const lxw_error error = worksheet_write_string(worksheet, 0, static_cast<lxw_col_t>(col),
                                                   sheet.header[col].c_str(), formats.header);
    if (error != LXW_NO_ERROR) return xlsx_error(where + ", heading " + std::to_string(col + 1), error);
    const double width = column_width(sheet, col, kind_of(col));
    const lxw_error sized =
        worksheet_set_column(worksheet, static_cast<lxw_col_t>(col), static_cast<lxw_col_t>(col), width, nullptr);
    if (sized != LXW_NO_ERROR) return xlsx_error(where + ", column " + std::to_string(col + 1), sized);
  }
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    const auto& cells = sheet.rows[r];
    for (size_t col = 0; col < cells.size(); ++col) {
      auto written = write_cell(worksheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(col), cells[col],
                                kind_of(col), formats, where);
      if (!written) return written;
    }
  }
  if (!sheet.header.empty()) {
    worksheet_freeze_panes(worksheet, 1, 0);
    const lxw_error filtered = worksheet_autofilter(worksheet, 0, 0, static_cast<lxw_row_t>(sheet.rows.size()),
                                                    static_cast<lxw_col_t>(sheet.header.size() - 1));
    if (filtered != LXW_NO_ERROR) return xlsx_error(where + ", its filter", filtered);
  }
  return Status::success();
}

Result<std::string> read_whole(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (!file.good() && !file.eof()) {
    return Error{ErrorCode::Storage, "reading back the .xlsx file " + path + " failed"};
  }
  return bytes.str();
}

}  // namespace

bool xlsx_plain_number(const std::string& text) {
  // An optional minus, an integer part of at most 10 digits without leading zeros, and at most 4 decimals not
  // ending in 0: spreadsheets show such a number back exactly as written ("-0" would come back as "0").
  size_t at = 0;
  if (at < text.size() && text[at] == '-') ++at;
  const size_t integer_start = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  const size_t integer_digits = at - integer_start;
  if (integer_digits == 0 || integer_digits > 10 || (integer_digits > 1 && text[integer_start] == '0')) return false;
  if (at == text.size()) return text != "-0";
  if (text[at] != '.') return false;
  const size_t fraction_start = ++at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  const size_t fraction_digits = at - fraction_start;
  return at == text.size() && fraction_digits >= 1 && fraction_digits <= 4 && text.back() != '0';
}

Result<std::string> xlsx_workbook(const std::vector<XlsxSheet>& sheets) {
  const PrivateFolder folder;
  if (folder.path().empty()) {
    return Error{ErrorCode::Storage, "making a temporary folder for the .xlsx file failed: " + folder.problem()};
  }
  std::string file_name = folder.path() + "/export-XXXXXX";
  const int descriptor = mkstemp(file_name.data());
  if (descriptor < 0) {
    return Error{ErrorCode::Storage, "making a temporary file for the .xlsx file failed: " + std::string(std::strerror(errno))};
  }
  close(descriptor);

  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;  // shared strings, as Excel itself writes them
  std::string tmpdir = folder.path();
  options.tmpdir = tmpdir.data();
  Workbook workbook(workbook_new_opt(file_name.c_str(), &options));
  if (workbook.get() == nullptr) {
    return Error{ErrorCode::Internal, "writing the .xlsx file: libxlsxwriter could not start a workbook"};
  }
  Formats formats;
  formats.header = workbook_add_format(workbook.get());
  formats.datetime = workbook_add_format(workbook.get());
  formats.text = workbook_add_format(workbook.get());
  if (formats.header == nullptr || formats.datetime == nullptr || formats.text == nullptr) {
    return Error{ErrorCode::Internal, "writing the .xlsx file: libxlsxwriter could not make a cell format"};
  }
  format_set_bold(formats.header);
  format_set_num_format(formats.datetime, "yyyy-mm-dd hh:mm:ss");
  format_set_num_format(formats.text, "@");
  for (const XlsxSheet& sheet : sheets) {
    auto written = write_sheet(workbook.get(), sheet, formats);
    if (!written) return written.error();
  }
  if (const lxw_error closed = workbook.close(); closed != LXW_NO_ERROR) return xlsx_error("closing it", closed);
  return read_whole(file_name);
}

}  // namespace soundings::hub::detail
