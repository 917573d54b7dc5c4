// Walk lists at head office: a council's CSV of doors checked line by line and imported whole or not at all,
// assigned to field tablets, closed, and the coverage of its doors from the visits received.
//
// Privacy (REQUIREMENTS P1-P3): problems name a line and a column, never the address or UPRN on it.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "hub_csv.h"
#include "hub_impl.h"
#include "soundings/json_bounded.h"
#include "soundings/response.h"

namespace soundings::hub {

namespace {

using detail::CsvRecord;
using detail::ImportedDoor;

constexpr size_t kMaxProblemsShown = 20;
constexpr size_t kMaxDoorsPerList = 50'000;
constexpr size_t kMaxListNameBytes = 200;

// The columns a walk list file must have, in the order of WalkAddress; the first three may not be empty.
constexpr const char* kColumns[] = {"uprn", "address", "street", "postcode", "ward"};
constexpr size_t kColumnCount = std::size(kColumns);
constexpr size_t kRequiredColumns = 3;

Error storage_error(const Error& error) { return Error{error.code, "hub database: " + error.message}; }

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

bool has_control_character(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// What is wrong with one value, or empty.
std::string value_problem(std::string_view column, const std::string& value, size_t max_bytes, bool required) {
  const std::string name(column);
  if (first_bad_utf8(value) != std::string_view::npos) return name + " is not UTF-8 text (save the file as CSV UTF-8)";
  if (has_control_character(value)) return name + " holds a line break or another control character";
  if (value.size() > max_bytes) {
    return name + " is " + std::to_string(value.size()) + " bytes; at most " + std::to_string(max_bytes) +
           " are accepted";
  }
  if (required && value.empty()) return name + " is missing";
  return "";
}

// Problems as the import reports them: the first kMaxProblemsShown, and how many more there were.
class Problems {
 public:
  void add(int64_t line, const std::string& what) {
    ++count_;
    if (shown_.size() < kMaxProblemsShown) shown_.push_back("line " + std::to_string(line) + ": " + what);
  }
  void add(const std::string& what) {
    ++count_;
    if (shown_.size() < kMaxProblemsShown) shown_.push_back(what);
  }
  bool any() const { return count_ > 0; }
  std::vector<std::string> list() const {
    std::vector<std::string> out = shown_;
    if (count_ > shown_.size()) {
      out.push_back("... and " + std::to_string(count_ - shown_.size()) + " more problems");
    }
    return out;
  }

 private:
  std::vector<std::string> shown_;
  size_t count_ = 0;
};

// Where each of kColumns is in the header, or problems naming what is missing or repeated.
std::array<size_t, kColumnCount> read_header(const CsvRecord& header, Problems& problems,
                                             std::vector<std::string>& ignored) {
  std::array<size_t, kColumnCount> at{};
  at.fill(SIZE_MAX);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = trimmed(header.fields[i]);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto known = std::find(std::begin(kColumns), std::end(kColumns), name);
    if (known == std::end(kColumns)) {
      ignored.push_back(name.empty() ? "(column " + std::to_string(i + 1) + ", no name)" : header.fields[i]);
      continue;
    }
    size_t& slot = at[static_cast<size_t>(known - std::begin(kColumns))];
    if (slot != SIZE_MAX) problems.add(header.line, "the header names the column \"" + name + "\" twice");
    slot = i;
  }
  for (size_t c = 0; c < kColumnCount; ++c) {
    if (at[c] == SIZE_MAX) {
      problems.add(header.line, std::string("the header has no \"") + kColumns[c] +
                                    "\" column (a walk list needs uprn, address, street, postcode and ward)");
    }
  }
  return at;
}

// One door from one record, adding any problems with it.
std::optional<WalkAddress> read_door(const CsvRecord& record, const std::array<size_t, kColumnCount>& at,
                                     size_t header_fields, Problems& problems) {
  if (record.fields.size() != header_fields) {
    problems.add(record.line, "has " + std::to_string(record.fields.size()) + " fields; the header has " +
                                  std::to_string(header_fields) + " (an address with a comma must be in quotes)");
    return std::nullopt;
  }
  std::array<std::string, kColumnCount> values;
  bool good = true;
  for (size_t c = 0; c < kColumnCount; ++c) {
    values[c] = trimmed(record.fields[at[c]]);
    const size_t max_bytes = c == 0 ? kMaxFieldIdBytes : kMaxAddressBytes;
    if (auto problem = value_problem(kColumns[c], values[c], max_bytes, c < kRequiredColumns); !problem.empty()) {
      problems.add(record.line, problem);
      good = false;
    }
  }
  if (!good) return std::nullopt;
  return WalkAddress{values[0], values[1], values[2], values[3], values[4]};
}

// Every door of the file with its line, or the problems that stop the import.
std::vector<ImportedDoor> read_doors(const std::string& csv_text, Problems& problems,
                                     std::vector<std::string>& ignored) {
  auto records = detail::read_csv(csv_text);
  if (!records) {
    problems.add(records.error().message);
    return {};
  }
  if (records->empty()) {
    problems.add("the file is empty; a walk list starts with the header uprn,address,street,postcode,ward");
    return {};
  }
  const CsvRecord& header = records->front();
  const auto at = read_header(header, problems, ignored);
  if (problems.any()) return {};
  std::vector<ImportedDoor> doors;
  std::map<std::string, int64_t, std::less<>> line_of_uprn;
  for (size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& record = (*records)[i];
    auto door = read_door(record, at, header.fields.size(), problems);
    if (!door) continue;
    const auto [seen, added] = line_of_uprn.emplace(door->uprn, record.line);
    if (!added) {
      problems.add(record.line, "the same uprn as line " + std::to_string(seen->second) + "; each door comes once");
      continue;
    }
    doors.push_back(ImportedDoor{std::move(*door), record.line});
  }
  if (!problems.any() && doors.empty()) problems.add("the file has a header and no doors");
  if (doors.size() > kMaxDoorsPerList) {
    problems.add("the file has " + std::to_string(doors.size()) + " doors; a walk list holds at most " +
                 std::to_string(kMaxDoorsPerList) + " (split it by ward or street)");
  }
  return doors;
}

std::string name_problem(const std::string& name) {
  if (name.empty()) return "a walk list needs a name (--name NAME)";
  if (name.size() > kMaxListNameBytes || first_bad_utf8(name) != std::string_view::npos ||
      has_control_character(name)) {
    return "a walk list's name must be UTF-8 text of at most " + std::to_string(kMaxListNameBytes) +
           " bytes on one line";
  }
  return "";
}

// The list called `name`, or NotFound saying where to look.
Result<detail::WalkListRow> list_named(detail::Store& store, const std::string& name) {
  auto found = store.walk_list_named(name);
  if (!found) return storage_error(found.error());
  if (!*found) {
    return Error{ErrorCode::NotFound, "no walk list is named \"" + name + "\" (see soundings-hub walklist list)"};
  }
  return std::move(**found);
}

// A device that may hold walk lists: enrolled, not revoked, a field tablet.
Status check_field_device(detail::Store& store, const std::string& device_id) {
  const auto device = store.enrolled_device(device_id);
  if (!device) return storage_error(device.error());
  if (!*device) {
    return Error{ErrorCode::NotFound, "no device \"" + device_id + "\" is enrolled (see soundings-hub devices)"};
  }
  const std::string label = "device " + device_id + " (" + (*device)->name + ")";
  if ((*device)->revoked) return Error{ErrorCode::InvalidInput, label + " has been revoked; it takes no walk lists"};
  if (!(*device)->field) {
    return Error{ErrorCode::InvalidInput, label + " is a kiosk; walk lists go only to field tablets, enrolled "
                                                  "with a field enrolment code (enrol-code --field)"};
  }
  return Status::success();
}

std::optional<size_t> outcome_index(const std::string& name) {
  const auto outcome = visit_outcome_from_name(name);
  if (!outcome) return std::nullopt;
  const auto at = std::find(std::begin(kAllVisitOutcomes), std::end(kAllVisitOutcomes), *outcome);
  return static_cast<size_t>(at - std::begin(kAllVisitOutcomes));
}

}  // namespace

namespace detail {

Result<WalkListImport> import_walk_list(HubState& hub, const std::string& name, const std::string& csv_text) {
  WalkListImport outcome;
  if (auto problem = name_problem(name); !problem.empty()) {
    outcome.problems.push_back(problem);
    return outcome;
  }
  Problems problems;
  const std::vector<ImportedDoor> doors = read_doors(csv_text, problems, outcome.ignored_columns);
  const auto existing = hub.store->walk_list_named(name);
  if (!existing) return storage_error(existing.error());
  if (*existing) problems.add("a walk list named \"" + name + "\" already exists; choose another name");
  if (problems.any()) {
    outcome.problems = problems.list();
    return outcome;
  }
  outcome.id = make_uuid();
  outcome.doors = static_cast<int64_t>(doors.size());
  const auto added = hub.store->add_walk_list(detail::WalkListRow{outcome.id, name, hub.now_text(), ""}, doors);
  if (!added) {
    if (added.error().code == ErrorCode::Conflict) {
      outcome.problems.push_back(added.error().message);
      return outcome;
    }
    return storage_error(added.error());
  }
  return outcome;
}

Status assign_walk_list(HubState& hub, const std::string& name, const std::string& device_id) {
  auto list = list_named(*hub.store, name);
  if (!list) return list.error();
  if (!list->closed_at.empty()) {
    return Error{ErrorCode::InvalidInput, "walk list \"" + name + "\" was closed on " + list->closed_at +
                                              "; a closed list goes to no tablet"};
  }
  if (auto field = check_field_device(*hub.store, device_id); !field) return field;
  auto assigned = hub.store->assign_walk_list(list->id, device_id, hub.now_text());
  if (!assigned) return storage_error(assigned.error());
  return Status::success();
}

Status unassign_walk_list(HubState& hub, const std::string& name, const std::string& device_id) {
  auto list = list_named(*hub.store, name);
  if (!list) return list.error();
  auto removed = hub.store->unassign_walk_list(list->id, device_id);
  if (!removed) return storage_error(removed.error());
  if (!*removed) {
    return Error{ErrorCode::NotFound, "walk list \"" + name + "\" is not assigned to device " + device_id};
  }
  return Status::success();
}

Status close_walk_list(HubState& hub, const std::string& name) {
  auto list = list_named(*hub.store, name);
  if (!list) return list.error();
  auto closed = hub.store->close_walk_list(list->id, hub.now_text());
  if (!closed) return storage_error(closed.error());
  return Status::success();
}

Result<std::vector<WalkListSummary>> walk_lists(HubState& hub) {
  auto lists = hub.store->walk_list_summaries();
  if (!lists) return storage_error(lists.error());
  return lists;
}

Result<CoverageReport> coverage(HubState& hub, const std::string& list_name) {
  auto list = list_named(*hub.store, list_name);
  if (!list) return list.error();
  const auto doors = hub.store->walk_addresses(list->id);
  if (!doors) return storage_error(doors.error());
  const auto visits = hub.store->records_by_subject(RecordKind::Visit, list->id);
  if (!visits) return storage_error(visits.error());
  CoverageReport report{list->id, list->name, {}};
  std::map<std::string, size_t, std::less<>> street_of_door;
  std::map<std::string, size_t, std::less<>> street_index;
  for (const WalkAddress& door : *doors) {
    const auto [at, added] = street_index.emplace(door.street, report.streets.size());
    if (added) report.streets.push_back(StreetCoverage{door.street, 0, 0, {}});
    ++report.streets[at->second].doors;
    street_of_door.emplace(door.uprn, at->second);
  }
  // Visits come by door and time, so each door's last one is its outcome. The hub checked every visit on
  // arrival; one to a door not on the list or with an outcome no longer known would count nowhere.
  std::map<std::string, std::string, std::less<>> outcome_of_door;
  for (const detail::StoredRecord& visit : *visits) {
    const auto body = nlohmann::json::parse(visit.body, nullptr, false);
    outcome_of_door[visit.door] = body.is_object() ? body.value("outcome", "") : "";
  }
  for (const auto& [door, outcome] : outcome_of_door) {
    const auto street = street_of_door.find(door);
    const auto index = outcome_index(outcome);
    if (street == street_of_door.end() || !index) continue;
    StreetCoverage& row = report.streets[street->second];
    ++row.visited;
    ++row.outcomes[*index];
  }
  return report;
}

}  // namespace detail

Result<WalkListImport> Hub::import_walk_list(const std::string& name, const std::string& csv_text) {
  return detail::import_walk_list(*impl_, name, csv_text);
}

Status Hub::assign_walk_list(const std::string& name, const std::string& device_id) {
  return detail::assign_walk_list(*impl_, name, device_id);
}

Status Hub::unassign_walk_list(const std::string& name, const std::string& device_id) {
  return detail::unassign_walk_list(*impl_, name, device_id);
}

Status Hub::close_walk_list(const std::string& name) { return detail::close_walk_list(*impl_, name); }

Result<std::vector<WalkListSummary>> Hub::walk_lists() { return detail::walk_lists(*impl_); }

Result<CoverageReport> Hub::coverage(const std::string& list_name) { return detail::coverage(*impl_, list_name); }

Result<std::string> Hub::coverage_csv(const std::string& list_name) {
  const auto report = coverage(list_name);
  if (!report) return report.error();
  std::string out = detail::kUtf8ByteOrderMark;
  std::vector<std::string> header = {"street", "doors", "visited", "not_visited"};
  for (const VisitOutcome outcome : kAllVisitOutcomes) header.emplace_back(visit_outcome_name(outcome));
  detail::append_csv_row(out, header);
  StreetCoverage total{"(all streets)", 0, 0, {}};
  const auto add_row = [&out](const StreetCoverage& row) {
    std::vector<std::string> cells = {row.street, std::to_string(row.doors), std::to_string(row.visited),
                                      std::to_string(row.doors - row.visited)};
    for (const int64_t count : row.outcomes) cells.push_back(std::to_string(count));
    detail::append_csv_row(out, cells);
  };
  for (const StreetCoverage& row : report->streets) {
    add_row(row);
    total.doors += row.doors;
    total.visited += row.visited;
    for (size_t i = 0; i < total.outcomes.size(); ++i) total.outcomes[i] += row.outcomes[i];
  }
  add_row(total);
  return out;
}

}  // namespace soundings::hub
