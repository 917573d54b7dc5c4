// Exports for analysis: the stored JSON as an array, or CSV for Excel and LibreOffice.
//
// CSV: UTF-8 with a byte order mark (so that Excel reads Welsh letters as UTF-8), CRLF
// line ends, RFC 4180 quoting. One row per response; a column per ordinary question
// (newest version's order, then questions only older versions had), holding option ids.
// Personal and equality answers stay sealed: two yes/no columns say whether a response
// holds any. The equality answers are opened only to be counted (`soundings-hub reach`,
// hub_reach.cpp).
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "hub_csv.h"
#include "hub_impl.h"
#include "soundings/answer_rules.h"

namespace soundings::hub {

namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string with_other(std::string chosen, const std::string& other_text) {
  return other_text.empty() ? chosen : chosen + ": " + other_text;
}

std::string two_digits(int value) {
  std::string text = std::to_string(value);
  if (text.size() < 2) text.insert(text.begin(), '0');
  return text;
}

std::string render(const Answer& answer) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, ChoiceAnswer>) {
          return with_other(a.option, a.other_text);
        } else if constexpr (std::is_same_v<T, MultiChoiceAnswer>) {
          return with_other(join(a.options, "; "), a.other_text);
        } else if constexpr (std::is_same_v<T, ScaleAnswer>) {
          return std::to_string(a.value);
        } else if constexpr (std::is_same_v<T, TextAnswer>) {
          return a.text;
        } else if constexpr (std::is_same_v<T, DateAnswer>) {
          if (a.month == 0) return std::to_string(a.year);
          return std::to_string(a.year) + "-" + two_digits(a.month) + "-" + two_digits(a.day);
        } else if constexpr (std::is_same_v<T, RankingAnswer>) {
          return join(a.order, "; ");
        } else if constexpr (std::is_same_v<T, ConsentAnswer>) {
          return a.given ? "yes" : "no";
        } else {
          return a.name;  // contact details are personal and never reach `answers`
        }
      },
      answer);
}

std::string cell_for(const Question* question, const json& value) {
  if (value.is_null()) return "";
  if (question != nullptr) {
    std::string error;
    if (const auto answer = answer_from_json(*question, value, error)) return render(*answer);
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool holds_sealed(const json& body, const char* part) {
  const auto it = body.find(part);
  return it != body.end() && it->is_object() && it->contains("sealed");
}

std::string text_of(const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

Result<std::string> Hub::export_responses(const std::string& consultation_id, const std::string& format) {
  if (format != "csv" && format != "json") {
    return Error{ErrorCode::InvalidInput, "--format must be csv or json, not \"" + format + "\""};
  }
  const auto storage_error = [](const Error& error) { return Error{error.code, "hub database: " + error.message}; };
  auto read_versions = impl_->store->all_versions(consultation_id);
  if (!read_versions) return storage_error(read_versions.error());
  const std::vector<std::pair<int, std::string>> versions = std::move(*read_versions);
  if (versions.empty()) {
    return Error{ErrorCode::NotFound, "no consultation \"" + consultation_id + "\" is published on this hub"};
  }
  auto read_rows = impl_->store->responses_of(consultation_id);
  if (!read_rows) return storage_error(read_rows.error());
  const std::vector<detail::StoredResponse> rows = std::move(*read_rows);

  if (format == "json") {
    std::string out = "[";
    for (size_t i = 0; i < rows.size(); ++i) out += (i == 0 ? "\n" : ",\n") + rows[i].body;
    out += rows.empty() ? "]\n" : "\n]\n";
    return out;
  }

  // Columns: every ordinary question, newest version first so its order wins.
  std::map<int, ConsultationPtr> definitions;
  std::vector<std::string> columns;
  std::set<std::string> seen;
  {
    for (const auto& [version, text] : versions) {
      const auto loaded = impl_->definition(consultation_id, version);
      if (!loaded) return storage_error(loaded.error());
      const ConsultationPtr& definition = *loaded;
      if (!definition) continue;
      definitions[version] = definition;
      for (const Page& page : definition->pages) {
        for (const Question& question : page.questions) {
          if (question.data == DataClass::Ordinary && seen.insert(question.id).second) {
            columns.push_back(question.id);
          }
        }
      }
    }
  }

  std::string out = detail::kUtf8ByteOrderMark;
  std::vector<std::string> header = {"id",    "consultation_version", "language",   "channel",
                                     "device", "venue",               "staff",      "started_at",
                                     "submitted_at"};
  header.insert(header.end(), columns.begin(), columns.end());
  header.push_back("personal_sealed");
  header.push_back("special_sealed");
  detail::append_csv_row(out, header);

  for (const auto& row : rows) {
    const json body = json::parse(row.body, nullptr, false);
    if (!body.is_object()) continue;  // stored bodies passed validation; this cannot happen
    const auto found = definitions.find(row.consultation_version);
    const Consultation* definition = found == definitions.end() ? nullptr : found->second.get();
    std::vector<std::string> cells = {row.id,
                                      std::to_string(row.consultation_version),
                                      text_of(body, "language"),
                                      text_of(body, "channel"),
                                      text_of(body, "device_id"),
                                      text_of(body, "venue"),
                                      text_of(body, "staff_id"),
                                      text_of(body, "started_at"),
                                      text_of(body, "submitted_at")};
    const json answers = body.value("answers", json::object());
    for (const std::string& question_id : columns) {
      const auto value = answers.find(question_id);
      const Question* question = definition ? definition->find_question(question_id) : nullptr;
      cells.push_back(value == answers.end() ? "" : cell_for(question, *value));
    }
    cells.push_back(holds_sealed(body, "personal") ? "yes" : "no");
    cells.push_back(holds_sealed(body, "special") ? "yes" : "no");
    detail::append_csv_row(out, cells);
  }
  return out;
}

}  // namespace soundings::hub
