// The responses export as rows, shared by `soundings-hub export` and the console's downloads (CSV and .xlsx),
// so that every form of it holds exactly the same rows and columns (hub_export.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hub_store.h"
#include "hub_xlsx.h"
#include "soundings/result.h"

namespace soundings::hub::detail {

struct HubState;

// One question of any published version, for the sheet that describes them.
struct ExportedQuestion {
  std::string id;
  std::string type;                                 // type_name(): "single_choice", "scale_0_10"...
  std::string data;                                 // "ordinary", "personal", "special"
  std::map<std::string, std::string> text;          // by language
  std::map<std::string, std::string> options;       // by language: "id: label; id: label", end labels for scales
};

struct ResponseExport {
  std::vector<std::string> header;  // the CSV's header row
  std::vector<XlsxKind> kinds;      // per column: how the .xlsx holds it
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> languages;         // every version's declared languages, newest version's first
  std::vector<ExportedQuestion> questions;    // newest version's order, then questions only older versions had
};

// The export of a consultation's responses. `filter` null: every stored response as `soundings-hub export`
// has always read them (Store::responses_of(id)); otherwise the responses the console's filter matches
// (Store::responses_of(id, filter)). NotFound when no version of the consultation is published.
[[nodiscard]] Result<ResponseExport> export_rows(HubState& hub, const std::string& consultation_id,
                                                 const ResponseFilter* filter);

// The CSV: UTF-8 with a byte order mark, CRLF, RFC 4180, formulas neutralised (hub_csv.h).
std::string export_csv(const ResponseExport& exported);

// The .xlsx: sheet "Responses - Ymatebion" with exactly the CSV's rows and columns (times as date-times,
// numbers as numbers, the rest as text, never formulas), and sheet "Questions - Cwestiynau" describing every
// question in each language, the sealed ones included (their answers are never in the export).
[[nodiscard]] Result<std::string> export_xlsx(const ResponseExport& exported);

inline constexpr const char* kResponsesSheet = "Responses - Ymatebion";
inline constexpr const char* kQuestionsSheet = "Questions - Cwestiynau";

}  // namespace soundings::hub::detail
