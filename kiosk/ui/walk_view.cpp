// Building and updating the list screen's view of a walk list.
#include "ui/walk_view.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace soundings::kiosk {

namespace {
// "12A High Street" sorts by 12, then by the words: doors in the order they stand.
long house_number(const std::string& address) { return std::strtol(address.c_str(), nullptr, 10); }

bool door_before(const DoorView& a, const DoorView& b) {
  if (a.address.street != b.address.street) return a.address.street < b.address.street;
  long na = house_number(a.address.address), nb = house_number(b.address.address);
  if (na != nb) return na < nb;
  return a.address.address < b.address.address;
}

void apply_visit(DoorView& door, const Visit& visit) {
  door.outcome = visit.outcome;
  door.come_back_at = visit.outcome == VisitOutcome::ComeBack ? visit.come_back_at : std::string();
}

void count_visited(WalkListView& view) {
  view.visited = 0;
  for (StreetView& street : view.streets) {
    street.visited = 0;
    for (size_t i = street.first; i < street.first + street.count; ++i)
      if (view.doors[i].outcome) ++street.visited;
    view.visited += street.visited;
  }
}
}  // namespace

WalkListView build_walk_list_view(WalkList list, const std::vector<Visit>& visits, DoorFilter filter) {
  WalkListView view;
  view.id = std::move(list.id);
  view.name = std::move(list.name);
  view.doors.reserve(list.addresses.size());
  for (WalkAddress& a : list.addresses) view.doors.push_back(DoorView{std::move(a), std::nullopt, {}});
  std::stable_sort(view.doors.begin(), view.doors.end(), door_before);
  std::unordered_map<std::string, size_t> by_uprn;
  for (size_t i = 0; i < view.doors.size(); ++i) {
    by_uprn.emplace(view.doors[i].address.uprn, i);
    if (view.streets.empty() || view.streets.back().name != view.doors[i].address.street)
      view.streets.push_back(StreetView{view.doors[i].address.street, i, 0, 0});
    ++view.streets.back().count;
  }
  for (const Visit& visit : visits) {
    auto found = by_uprn.find(visit.uprn);
    if (found != by_uprn.end()) apply_visit(view.doors[found->second], visit);
  }
  count_visited(view);
  set_filter(view, filter);
  return view;
}

std::optional<size_t> find_door(const WalkListView& view, const std::string& uprn) {
  for (size_t i = 0; i < view.doors.size(); ++i)
    if (view.doors[i].address.uprn == uprn) return i;
  return std::nullopt;
}

bool record_visit(WalkListView& view, const Visit& visit) {
  if (visit.list_id != view.id) return false;
  std::optional<size_t> door = find_door(view, visit.uprn);
  if (!door) return false;
  apply_visit(view.doors[*door], visit);
  count_visited(view);
  set_filter(view, view.filter);
  return true;
}

void set_filter(WalkListView& view, DoorFilter filter) {
  view.filter = filter;
  view.rows.clear();
  if (filter == DoorFilter::ComeBack) {
    for (size_t i = 0; i < view.doors.size(); ++i)
      if (view.doors[i].outcome == VisitOutcome::ComeBack) view.rows.push_back(ListRow{false, i});
    std::stable_sort(view.rows.begin(), view.rows.end(), [&](const ListRow& a, const ListRow& b) {
      return view.doors[a.index].come_back_at < view.doors[b.index].come_back_at;  // ISO 8601 UTC sorts as text
    });
    return;
  }
  for (size_t s = 0; s < view.streets.size(); ++s) {
    const StreetView& street = view.streets[s];
    if (filter == DoorFilter::NotVisited && street.visited == street.count) continue;
    view.rows.push_back(ListRow{true, s});
    for (size_t i = street.first; i < street.first + street.count; ++i)
      if (filter == DoorFilter::All || !view.doors[i].outcome) view.rows.push_back(ListRow{false, i});
  }
}

}  // namespace soundings::kiosk
