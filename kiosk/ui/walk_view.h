// A walk list as the list screen draws it: doors in street order with each door's latest visit, a per-street
// index, and the rows for each filter. Built once on the store worker; updated in place when a visit is saved,
// so nothing is sorted while drawing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "soundings/field_records.h"

namespace soundings::kiosk {

enum class DoorFilter { All, NotVisited, ComeBack };

struct DoorView {
  WalkAddress address;
  std::optional<VisitOutcome> outcome;  // the latest visit's; none: not visited yet
  std::string come_back_at;             // the time promised, when the latest outcome is come back
};

struct StreetView {
  std::string name;
  size_t first = 0;    // index of its first door
  size_t count = 0;
  size_t visited = 0;  // doors with at least one visit
};

// One row of the list screen: a street heading or a door.
struct ListRow {
  bool street = false;
  size_t index = 0;  // into streets or doors
};

struct WalkListView {
  std::string id;
  std::string name;
  std::vector<DoorView> doors;  // by street, then house number, then address
  std::vector<StreetView> streets;
  size_t visited = 0;
  std::vector<ListRow> rows;    // the rows for `filter`
  DoorFilter filter = DoorFilter::All;
};

// Orders the doors, indexes the streets and applies each visit (oldest first, as visits_for_list gives them),
// then lays out the rows for `filter`.
WalkListView build_walk_list_view(WalkList list, const std::vector<Visit>& visits, DoorFilter filter = DoorFilter::All);
// A visit just saved: the door's outcome, the counts and the rows follow. False when the door is not in the list.
bool record_visit(WalkListView& view, const Visit& visit);
// The rows for `filter`: every street with its doors; the streets' doors not yet visited; or the doors
// promised a come-back, soonest first (no headings).
void set_filter(WalkListView& view, DoorFilter filter);
// The door with this UPRN, if the list has it.
std::optional<size_t> find_door(const WalkListView& view, const std::string& uprn);

}  // namespace soundings::kiosk
