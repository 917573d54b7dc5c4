// Field work at head office: the visits export (door log with the hub's per-address flags) and the
// lone-working overview of every officer's last check-in.
//
// Privacy (REQUIREMENTS P1-P3): visits name addresses and carry notes; nothing here reads a response,
// and the response export reads no visit.
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "hub_csv.h"
#include "hub_impl.h"
#include "soundings/field_records.h"
#include "soundings/lone_working.h"
#include "soundings/quality.h"
#include "soundings/record.h"

namespace soundings::hub {

namespace {

using nlohmann::json;

Error storage_error(const Error& error) { return Error{error.code, "hub database: " + error.message}; }

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

std::string visits_csv(const std::vector<Visit>& visits, const std::map<std::string, std::string>& list_names) {
  std::string out = detail::kUtf8ByteOrderMark;
  detail::append_csv_row(out, {"list", "uprn", "outcome", "come_back_at", "note", "staff", "device", "visited_at",
                               "flags"});
  for (const Visit& visit : visits) {
    detail::append_csv_row(out, {list_names.at(visit.list_id), visit.uprn, visit_outcome_name(visit.outcome),
                                 visit.come_back_at, visit.note, visit.staff_id, visit.device_id, visit.visited_at,
                                 joined(visit.flags)});
  }
  return out;
}

// An array with one visit a line, like the response export.
std::string visits_json(const std::vector<Visit>& visits, const std::map<std::string, std::string>& list_names) {
  std::string out = "[";
  for (size_t i = 0; i < visits.size(); ++i) {
    json item = visit_to_json(visits[i]);
    item["list"] = list_names.at(visits[i].list_id);
    out += (i == 0 ? "\n" : ",\n") + item.dump();
  }
  return out + (visits.empty() ? "]\n" : "\n]\n");
}

}  // namespace

namespace detail {

Result<std::string> export_visits(HubState& hub, const std::string& list_name, const std::string& format) {
  if (format != "csv" && format != "json") {
    return Error{ErrorCode::InvalidInput, "--format must be csv or json, not \"" + format + "\""};
  }
  const auto lists = hub.store->walk_list_names();
  if (!lists) return storage_error(lists.error());
  std::map<std::string, std::string> names(lists->begin(), lists->end());
  std::string list_id;
  if (!list_name.empty()) {
    for (const auto& [id, name] : *lists) {
      if (name == list_name) list_id = id;
    }
    if (list_id.empty()) return Error{ErrorCode::NotFound, "no walk list named \"" + list_name + "\" on this hub"};
  }
  const auto records = hub.store->records_by_subject(RecordKind::Visit, list_id);
  if (!records) return storage_error(records.error());
  std::vector<Visit> visits;
  for (const auto& record : *records) {
    auto visit = visit_from_json(json::parse(record.body, nullptr, false));
    if (!visit) continue;  // stored bodies passed the visit validator; this cannot happen
    names.try_emplace(visit->list_id, visit->list_id);  // a list gone from the hub keeps its id as its name
    visits.push_back(std::move(*visit));
  }
  flag_many_completions(visits);
  return format == "csv" ? visits_csv(visits, names) : visits_json(visits, names);
}

}  // namespace detail

Result<std::string> Hub::export_visits(const std::string& list_name, const std::string& format) {
  return detail::export_visits(*impl_, list_name, format);
}

namespace {

// Each officer's latest record of one kind, parsed, by staff id.
template <typename T, typename Parse>
Result<std::map<std::string, T>> latest_by_staff(detail::Store& store, RecordKind kind, Parse parse) {
  const auto records = store.latest_record_per_staff(kind);
  if (!records) return storage_error(records.error());
  std::map<std::string, T> out;
  for (const auto& record : *records) {
    auto parsed = parse(json::parse(record.body, nullptr, false));
    if (parsed) out.emplace(record.staff_id, std::move(*parsed));
  }
  return out;
}

std::string describe_check_in(const CheckIn& check_in) {
  if (check_in.status == CheckInStatus::Ok) return "ok at " + check_in.at;
  return "missed (due " + check_in.due_at + ") at " + check_in.at;
}

}  // namespace

Result<std::vector<OfficerStatus>> Hub::field_overview(std::chrono::minutes overdue_after) {
  return detail::field_overview(*impl_, overdue_after);
}

// The console's overdue banner reads it too, through the hub's state (issue 12).
Result<std::vector<OfficerStatus>> detail::field_overview(HubState& hub, std::chrono::minutes overdue_after) {
  const auto accounts = hub.store->staff();
  if (!accounts) return storage_error(accounts.error());
  const auto check_ins = latest_by_staff<CheckIn>(*hub.store, RecordKind::CheckIn, check_in_from_json);
  if (!check_ins) return check_ins.error();
  const auto sign_ins = latest_by_staff<SignIn>(*hub.store, RecordKind::SignIn, sign_in_from_json);
  if (!sign_ins) return sign_ins.error();

  // Every account (the hub keeps records only of officers on the staff list).
  std::vector<OfficerStatus> out;
  const TimePoint now = hub.now();
  for (const auto& stored : *accounts) {
    const StaffAccount& account = stored.account;
    const std::string& id = account.staff_id;
    OfficerActivity activity;
    if (const auto c = check_ins->find(id); c != check_ins->end()) activity.last_check_in = c->second;
    if (const auto s = sign_ins->find(id); s != sign_ins->end()) activity.last_sign_in = s->second;
    const OfficerVerdict verdict = decide_officer(activity, now, overdue_after);
    OfficerStatus status{id, account.name, !account.disabled_at.empty(), officer_state_name(verdict.state),
                         verdict.state == OfficerState::Overdue, verdict.since, verdict.reason, verdict.device_id,
                         "", ""};
    if (activity.last_check_in) status.last_check_in = describe_check_in(*activity.last_check_in);
    if (activity.last_sign_in) {
      status.last_sign_in = std::string(sign_in_event_name(activity.last_sign_in->event)) + " at " +
                            activity.last_sign_in->at;
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace soundings::hub
