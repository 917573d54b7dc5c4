// Console: escaping, tables in HTML, CSV and JSON, bar charts as SVG, and the pieces every page shares.
#include <httplib.h>

#include <algorithm>
#include <cstdio>

#include "console.h"
#include "hub_csv.h"
#include "soundings/json_bounded.h"

namespace soundings::hub::detail::console {

namespace {

// Text made valid UTF-8: every byte that does not start a well-formed sequence becomes U+FFFD, so that a
// device's or a file's bad bytes can neither break the page's encoding nor the JSON writer.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t bad = first_bad_utf8(text);
    if (bad == std::string_view::npos) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, bad));
    out.append("\xEF\xBF\xBD");
    text.remove_prefix(bad + 1);
    // Continuation bytes of the broken sequence become one replacement each; that is enough.
  }
  return out;
}

std::string cell_html(const Cell& cell, const Lang& lang) {
  if (cell.suppressed) return escape(tr("count.suppressed", lang));
  if (!cell.href.empty()) return "<a href=\"" + escape(cell.href) + "\">" + escape(cell.text) + "</a>";
  return escape(cell.text);
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

std::string escape(std::string_view text) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (const char c : valid) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
  return out;
}

std::string table_html(const Table& table, const Lang& lang) {
  // A wide table scrolls inside its wrapper, which keyboard users must be able to reach (WCAG 2.1.1): it is
  // a focusable region named by the table's caption.
  const std::string caption_id = escape(table.id) + "-caption";
  std::string out = "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" ";
  out += table.caption.empty() ? "aria-label=\"" + escape(table.id) + "\">" : "aria-labelledby=\"" + caption_id + "\">";
  out += "<table id=\"" + escape(table.id) + "\">";
  if (!table.caption.empty()) out += "<caption id=\"" + caption_id + "\">" + escape(table.caption) + "</caption>";
  out += "<thead><tr>";
  for (const std::string& header : table.headers) out += "<th scope=\"col\">" + escape(header) + "</th>";
  out += "</tr></thead><tbody>";
  if (table.rows.empty()) {
    out += "<tr><td colspan=\"" + std::to_string(std::max<size_t>(1, table.headers.size())) + "\">" +
           escape(tr("table.empty", lang)) + "</td></tr>";
  }
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      const Cell& cell = row[i];
      const bool numeric = cell.number.has_value() || cell.suppressed;
      if (i == 0 && table.first_column_is_header) {
        out += "<th scope=\"row\">" + cell_html(cell, lang) + "</th>";
      } else {
        out += numeric ? "<td class=\"num\">" : "<td>";
        out += cell_html(cell, lang) + "</td>";
      }
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string table_csv(const Table& table) {
  std::string out = kUtf8ByteOrderMark;
  append_csv_row(out, table.keys);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const Cell& cell : row) {
      if (cell.suppressed) {
        cells.push_back("<" + std::to_string(kMinShownCount));
      } else if (cell.number) {
        cells.push_back(std::to_string(*cell.number));
      } else {
        cells.push_back(valid_utf8(cell.code.empty() ? cell.text : cell.code));
      }
    }
    append_csv_row(out, cells);
  }
  return out;
}

nlohmann::json table_json(const Table& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t i = 0; i < row.size() && i < table.keys.size(); ++i) {
      const Cell& cell = row[i];
      if (cell.suppressed) {
        object[table.keys[i]] = nullptr;
      } else if (cell.number) {
        object[table.keys[i]] = *cell.number;
      } else {
        object[table.keys[i]] = valid_utf8(cell.code.empty() ? cell.text : cell.code);
      }
    }
    rows.push_back(std::move(object));
  }
  return rows;
}

std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars, const Lang& lang) {
  // Drawn at a fixed width and scaled by CSS (viewBox), labels on their own line above each bar so that
  // long Welsh labels are never cut.
  constexpr int kWidth = 640;
  constexpr int kLabelHeight = 20;
  constexpr int kBarHeight = 18;
  constexpr int kGap = 10;
  constexpr int kValueSpace = 120;
  int64_t largest = 0;
  for (const Bar& bar : bars)
    if (bar.count) largest = std::max(largest, *bar.count);
  const int height = std::max<int>(1, static_cast<int>(bars.size())) * (kLabelHeight + kBarHeight + kGap);
  std::string out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) + "\" aria-labelledby=\"";
  // The title's id must be unique on the page: derived from the chart's content.
  const std::string id = "chart-" + std::to_string(std::hash<std::string>{}(title + std::to_string(bars.size())) % 1000000007);
  out += id + "\"><title id=\"" + id + "\">" + escape(title) + "</title>";
  int y = 0;
  for (const Bar& bar : bars) {
    out += "<text x=\"0\" y=\"" + std::to_string(y + 15) + "\" class=\"chart-label\">" + escape(bar.label) + "</text>";
    const int bar_y = y + kLabelHeight;
    if (bar.count) {
      const int length = largest == 0 ? 0
                                      : static_cast<int>((kWidth - kValueSpace) * static_cast<double>(*bar.count) /
                                                         static_cast<double>(largest));
      out += "<rect x=\"0\" y=\"" + std::to_string(bar_y) + "\" width=\"" + std::to_string(std::max(length, 1)) +
             "\" height=\"" + std::to_string(kBarHeight) + "\" class=\"chart-bar\"/>";
      out += "<text x=\"" + std::to_string(std::max(length, 1) + 6) + "\" y=\"" + std::to_string(bar_y + 14) +
             "\" class=\"chart-value\">" + std::to_string(*bar.count) + "</text>";
    } else {
      out += "<rect x=\"0\" y=\"" + std::to_string(bar_y) + "\" width=\"12\" height=\"" + std::to_string(kBarHeight) +
             "\" class=\"chart-hidden\"/>";
      out += "<text x=\"18\" y=\"" + std::to_string(bar_y + 14) + "\" class=\"chart-value\">" +
             escape(tr("count.suppressed", lang)) + "</text>";
    }
    y += kLabelHeight + kBarHeight + kGap;
  }
  out += "</svg>";
  return out;
}

std::string percent_text(int64_t part, int64_t whole) {
  if (whole <= 0) return "";
  return number_text(100.0 * static_cast<double>(part) / static_cast<double>(whole)) + "%";
}

std::string form_start(const PageRequest& request, const std::string& action, bool multipart) {
  std::string out = "<form method=\"post\" action=\"" + escape(action) + "\"";
  if (multipart) out += " enctype=\"multipart/form-data\"";
  out += "><input type=\"hidden\" name=\"csrf\" value=\"" + escape(request.session.csrf_token) + "\">";
  return out;
}

std::string page_heading(const std::string& text) { return "<h1>" + escape(text) + "</h1>"; }

std::string notice(const std::string& text, bool is_error) {
  return std::string(is_error ? "<div class=\"notice error\" role=\"alert\">" : "<div class=\"notice\" role=\"status\">") +
         "<p>" + escape(text) + "</p></div>";
}

std::string PageRequest::param(const std::string& name) const {
  if (http.has_param(name)) return http.get_param_value(name);
  if (http.has_file(name)) return http.get_file_value(name).content;
  return {};
}

PageResult bad_request(const PageRequest& request, const std::string& problem) {
  PageResult result;
  result.status = 400;
  result.title = tr("error.bad_request", request.lang);
  result.main = page_heading(result.title) + notice(problem, true);
  return result;
}

PageResult not_found(const PageRequest& request) {
  PageResult result;
  result.status = 404;
  result.title = tr("error.not_found", request.lang);
  result.main = page_heading(result.title) + "<p>" + escape(tr("error.not_found_detail", request.lang)) + "</p>";
  return result;
}

PageResult storage_failure(const PageRequest& request, const Error& error) {
  PageResult result;
  result.status = 503;
  result.title = tr("error.storage", request.lang);
  result.main = page_heading(result.title) +
                notice(tr("error.storage_detail", request.lang, {{"problem", error.message}}), true);
  return result;
}

}  // namespace soundings::hub::detail::console
