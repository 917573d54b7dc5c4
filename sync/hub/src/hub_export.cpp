// Exports for analysis: the stored JSON as an array, or CSV and .xlsx for Excel and LibreOffice
// (hub_export.h: the CSV and the .xlsx hold the same rows, made once here).
//
// CSV: UTF-8 with a byte order mark (so that Excel reads Welsh letters as UTF-8), CRLF
// line ends, RFC 4180 quoting. One row per response; a column per ordinary question
// (newest version's order, then questions only older versions had), holding option ids.
// Personal and equality answers stay sealed: two yes/no columns say whether a response
// holds any. The equality answers are opened only to be counted (`soundings-hub reach`,
// hub_reach.cpp).
//
// How a response was given (format 2: mode, on behalf, interpreter, privacy notice) has its columns,
// blank for a format 1 response, whose device did not record it: unknown is not "no". Quality flags
// are the device's and the hub's own (quality.h) together; a flag never removes a response.
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "hub_csv.h"
#include "hub_export.h"
#include "hub_impl.h"
#include "soundings/answer_rules.h"
#include "soundings/quality.h"

namespace soundings::hub {

namespace {

using detail::ExportedQuestion;
using detail::XlsxKind;
using nlohmann::json;

constexpr size_t kFixedColumns = 15;  // id to quality, before the questions' columns

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

std::string yes_no(bool value) { return value ? "yes" : "no"; }

// What the hub can judge itself, added to the device's flags. A time of day is judged only where it is
// real: a kiosk's; a field response's times are coarsened to the day (its device judged them at submit).
std::vector<std::string> quality_with_hub_flags(const Response& response, const Consultation* definition) {
  TimePoint started = kTimeUnknown;
  TimePoint submitted = kTimeUnknown;
  if (response.channel != Channel::Kiosk || is_coarsened_time(response.started_at) ||
      is_coarsened_time(response.submitted_at) || !parse_iso8601_utc(response.started_at, started) ||
      !parse_iso8601_utc(response.submitted_at, submitted)) {
    started = submitted = kTimeUnknown;
  }
  static const Consultation kNoDefinition;
  const auto hub_flags = response_quality_flags(response, definition ? *definition : kNoDefinition, started,
                                                submitted, uk_utc_offset_minutes(submitted));
  return merge_quality_flags(response.quality, hub_flags);
}

// given_mode, on_behalf, interpreter, privacy_notice_shown: blank when the response's format has none.
std::vector<std::string> how_given_cells(const Response& response) {
  if (response.format < 2) return {"", "", "", ""};
  return {given_mode_name(response.given.mode), yes_no(response.given.on_behalf), yes_no(response.given.interpreter),
          yes_no(response.given.privacy_notice_shown)};
}

// One stored body for the JSON export: as received, with "given" null where the format had none and
// "quality" holding the device's and the hub's flags.
std::string json_export_item(const std::string& stored, const Consultation* definition) {
  json body = json::parse(stored, nullptr, false);
  const auto response = response_from_json(body);
  if (!body.is_object() || !response) return stored;  // as in the CSV: kept as it is, never dropped
  if (!body.contains("given")) body["given"] = nullptr;
  body["quality"] = quality_with_hub_flags(*response, definition);
  return body.dump();
}

// Every published version's definition, and a column per ordinary question: newest version first so
// that its order wins, then questions only older versions had.
struct ExportColumns {
  std::map<int, ConsultationPtr> definitions;
  std::vector<std::string> questions;
  std::vector<XlsxKind> question_kinds;  // lined up with `questions`
  std::vector<std::string> languages;
  std::vector<ExportedQuestion> described;  // every question, sealed ones too

  const Consultation* definition(int version) const {
    const auto found = definitions.find(version);
    return found == definitions.end() ? nullptr : found->second.get();
  }
};

const char* data_class_name(DataClass data) {
  switch (data) {
    case DataClass::Ordinary: return "ordinary";
    case DataClass::Personal: return "personal";
    case DataClass::Special: return "special";
  }
  return "ordinary";
}

// "id: label; id: label" in one language; a 0-10 scale's end labels as "0: label; 10: label".
std::string options_in(const Question& question, const std::string& language) {
  std::vector<std::string> parts;
  for (const Option& option : question.options) parts.push_back(option.id + ": " + option.label.in(language));
  if (!question.min_label.empty()) parts.push_back("0: " + question.min_label.in(language));
  if (!question.max_label.empty()) parts.push_back("10: " + question.max_label.in(language));
  return join(parts, "; ");
}

ExportedQuestion describe_question(const Question& question, const std::vector<std::string>& languages) {
  ExportedQuestion described{question.id, type_name(question.type), data_class_name(question.data), {}, {}};
  for (const std::string& language : languages) {
    // A version that did not declare a language has no text in it: blank rather than another language's.
    if (question.text.by_language.count(language) == 0) continue;
    described.text[language] = question.text.in(language);
    described.options[language] = options_in(question, language);
  }
  return described;
}

// Scales and numbers are numbers in a spreadsheet; everything else a resident chose or wrote stays text.
XlsxKind kind_of(const Question& question) {
  return question.type == QuestionType::Scale10 || question.type == QuestionType::Number ? XlsxKind::Number
                                                                                         : XlsxKind::Text;
}

Result<ExportColumns> load_columns(detail::HubState& hub, const std::string& consultation_id) {
  auto read_versions = hub.store->all_versions(consultation_id);
  if (!read_versions) return detail::storage_error(read_versions.error());
  if (read_versions->empty()) {
    return Error{ErrorCode::NotFound, "no consultation \"" + consultation_id + "\" is published on this hub"};
  }
  ExportColumns columns;
  std::set<std::string> seen;
  std::set<std::string> described;
  std::vector<const Question*> every_question;  // newest version holding each, in export order
  for (const auto& version : *read_versions) {
    const auto loaded = hub.definition(consultation_id, version.first);
    if (!loaded) return detail::storage_error(loaded.error());
    if (!*loaded) continue;
    columns.definitions[version.first] = *loaded;
    for (const std::string& language : (*loaded)->languages) {
      if (std::find(columns.languages.begin(), columns.languages.end(), language) == columns.languages.end()) {
        columns.languages.push_back(language);
      }
    }
    for (const Page& page : (*loaded)->pages) {
      for (const Question& question : page.questions) {
        if (described.insert(question.id).second) every_question.push_back(&question);
        if (question.data == DataClass::Ordinary && seen.insert(question.id).second) {
          columns.questions.push_back(question.id);
          columns.question_kinds.push_back(kind_of(question));
        }
      }
    }
  }
  for (const Question* question : every_question) {
    columns.described.push_back(describe_question(*question, columns.languages));
  }
  return columns;
}

std::vector<std::string> csv_header(const std::vector<std::string>& questions) {
  std::vector<std::string> header = {"id",          "consultation_version", "language",   "channel",
                                     "device",      "venue",                "staff",      "started_at",
                                     "submitted_at", "format",              "given_mode", "on_behalf",
                                     "interpreter", "privacy_notice_shown", "quality"};
  header.insert(header.end(), questions.begin(), questions.end());
  header.push_back("personal_sealed");
  header.push_back("special_sealed");
  return header;
}

std::vector<std::string> csv_cells(const detail::StoredResponse& row, const ExportColumns& columns) {
  const json body = json::parse(row.body, nullptr, false);
  // Stored bodies passed validation; should one no longer read (a limit tightened since), its row stays,
  // with what can be shown of it.
  const auto response = response_from_json(body);
  const Consultation* definition = columns.definition(row.consultation_version);
  std::vector<std::string> cells = {row.id,
                                    std::to_string(row.consultation_version),
                                    text_of(body, "language"),
                                    text_of(body, "channel"),
                                    text_of(body, "device_id"),
                                    text_of(body, "venue"),
                                    text_of(body, "staff_id"),
                                    text_of(body, "started_at"),
                                    text_of(body, "submitted_at"),
                                    text_of(body, "format")};
  const auto given = response ? how_given_cells(*response) : std::vector<std::string>(4);
  cells.insert(cells.end(), given.begin(), given.end());
  cells.push_back(response ? join(quality_with_hub_flags(*response, definition), "; ") : text_of(body, "quality"));
  const json answers = body.is_object() ? body.value("answers", json::object()) : json::object();
  for (const std::string& question_id : columns.questions) {
    const auto value = answers.find(question_id);
    const Question* question = definition ? definition->find_question(question_id) : nullptr;
    cells.push_back(value == answers.end() ? "" : cell_for(question, *value));
  }
  cells.push_back(holds_sealed(body, "personal") ? "yes" : "no");
  cells.push_back(holds_sealed(body, "special") ? "yes" : "no");
  return cells;
}

}  // namespace

}  // namespace soundings::hub

namespace soundings::hub::detail {

Result<ResponseExport> export_rows(HubState& hub, const std::string& consultation_id, const ResponseFilter* filter) {
  auto columns = load_columns(hub, consultation_id);
  if (!columns) return columns.error();
  auto rows = filter == nullptr ? hub.store->responses_of(consultation_id)
                                : hub.store->responses_of(consultation_id, *filter);
  if (!rows) return storage_error(rows.error());
  ResponseExport exported;
  exported.header = csv_header(columns->questions);
  exported.kinds.assign(exported.header.size(), XlsxKind::Text);
  exported.kinds[1] = exported.kinds[9] = XlsxKind::Number;      // consultation_version, format
  exported.kinds[7] = exported.kinds[8] = XlsxKind::DateTime;    // started_at, submitted_at
  std::copy(columns->question_kinds.begin(), columns->question_kinds.end(), exported.kinds.begin() + kFixedColumns);
  exported.rows.reserve(rows->size());
  for (const auto& row : *rows) exported.rows.push_back(csv_cells(row, *columns));
  exported.languages = std::move(columns->languages);
  exported.questions = std::move(columns->described);
  return exported;
}

std::string export_csv(const ResponseExport& exported) {
  std::string out = kUtf8ByteOrderMark;
  append_csv_row(out, exported.header);
  for (const auto& row : exported.rows) append_csv_row(out, row);
  return out;
}

Result<std::string> export_xlsx(const ResponseExport& exported) {
  XlsxSheet responses{kResponsesSheet, exported.header, exported.kinds, exported.rows};
  XlsxSheet questions;
  questions.name = kQuestionsSheet;
  questions.header = {"id", "type", "data", "in_export"};
  for (const auto& language : exported.languages) questions.header.push_back("text_" + language);
  for (const auto& language : exported.languages) questions.header.push_back("options_" + language);
  for (const ExportedQuestion& question : exported.questions) {
    const bool sealed = question.data != "ordinary";
    std::vector<std::string> row = {question.id, question.type, question.data,
                                    sealed ? "no: sealed, never exported" : "yes"};
    const auto in = [](const std::map<std::string, std::string>& by_language, const std::string& language) {
      const auto found = by_language.find(language);
      return found == by_language.end() ? std::string() : found->second;
    };
    for (const auto& language : exported.languages) row.push_back(in(question.text, language));
    for (const auto& language : exported.languages) row.push_back(in(question.options, language));
    questions.rows.push_back(std::move(row));
  }
  return xlsx_workbook({responses, questions});
}

}  // namespace soundings::hub::detail

namespace soundings::hub {

Result<std::string> Hub::export_responses(const std::string& consultation_id, const std::string& format) {
  if (format != "csv" && format != "json") {
    return Error{ErrorCode::InvalidInput, "--format must be csv or json, not \"" + format + "\""};
  }
  if (format == "csv") {
    auto exported = detail::export_rows(*impl_, consultation_id, nullptr);
    if (!exported) return exported.error();
    return detail::export_csv(*exported);
  }
  auto columns = load_columns(*impl_, consultation_id);
  if (!columns) return columns.error();
  auto rows = impl_->store->responses_of(consultation_id);
  if (!rows) return detail::storage_error(rows.error());
  std::string out = "[";
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    out += (i == 0 ? "\n" : ",\n") + json_export_item(row.body, columns->definition(row.consultation_version));
  }
  out += rows->empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace soundings::hub
