// On demand ("[.field_bench]"): a 5,000-door walk list on a field tablet: how long it takes to open, and the
// frame time while a finger scrolls through it (headless frames: the UI's own work, no GPU).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "field_fixture.h"
#include "soundings/response.h"

using namespace soundings;
using namespace soundings::kiosk;
using namespace soundings::kiosk::testing;

namespace {
using Ms = std::chrono::duration<double, std::milli>;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}
}  // namespace

TEST_CASE("bench: a 5,000-door list opens in well under a second and scrolls within frame time", "[.field_bench]") {
  constexpr size_t kDoors = 5000, kVisited = 1000;
  HarnessOptions o = field_options(800, 1280, kDoors);
  auto fill = o.fill_store;
  o.fill_store = [&](Store& store) {
    fill(store);
    WalkList list = test_walk_list(kDoors);
    for (size_t i = 0; i < kVisited; ++i) {
      Visit v;
      v.id = make_uuid();
      v.list_id = list.id;
      v.uprn = list.addresses[i * 5].uprn;
      v.outcome = i % 4 == 0 ? VisitOutcome::ComeBack : VisitOutcome::NotHome;
      if (v.outcome == VisitOutcome::ComeBack) v.come_back_at = "2026-11-2" + std::to_string(1 + i % 8) + "T17:00:00Z";
      v.staff_id = "ana";
      v.device_id = "test-device";
      v.visited_at = "2026-11-20T10:00:00Z";
      REQUIRE(store.save_visit(v));
    }
  };
  Harness h(o);
  sign_in(h, "ana");
  REQUIRE(h.state.screen == Screen::FieldLists);

  auto asked = std::chrono::steady_clock::now();
  REQUIRE(h.tap("list:list-1"));
  while (h.state.screen != Screen::FieldList) h.frame();
  double open_ms = Ms(std::chrono::steady_clock::now() - asked).count();
  REQUIRE(h.state.field.list->doors.size() == kDoors);

  // Thirty strokes of a finger: down in the list, dragged up 30 px a frame for 19 frames, lifted (a drag, not a tap).
  auto first_door = [&] {
    for (const TapTarget& t : h.last.targets)
      if (t.name.rfind("door:", 0) == 0) return t.name;
    return std::string();
  };
  const std::string top_before = first_door();
  ImGuiIO& io = ImGui::GetIO();
  std::vector<double> frame_ms;
  for (int stroke = 0; stroke < 30; ++stroke) {
    io.MousePos = ImVec2(400, 1000);
    io.MouseDown[0] = true;
    h.frame();
    for (int step = 0; step < 19; ++step) {
      io.MousePos.y -= 30;
      auto t0 = std::chrono::steady_clock::now();
      h.frame();
      frame_ms.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
    }
    io.MouseDown[0] = false;
    h.frame();
  }
  h.frame();
  REQUIRE(h.state.screen == Screen::FieldList);
  CHECK(first_door() != top_before);  // it scrolled
  std::printf("field bench: %zu doors (%zu visited): list opened in %.0f ms (tap to first frame, worker load and "
              "index included); scrolling frames: median %.2f ms, p95 %.2f ms, max %.2f ms over %zu frames; "
              "%zu rows drawn at most\n",
              kDoors, kVisited, open_ms, percentile(frame_ms, 0.5), percentile(frame_ms, 0.95),
              *std::max_element(frame_ms.begin(), frame_ms.end()), frame_ms.size(), h.last.targets.size());
  CHECK(open_ms < 2000);
  CHECK(percentile(frame_ms, 0.95) < 16.0);

  // Filters re-lay the rows once, not per frame.
  auto f0 = std::chrono::steady_clock::now();
  REQUIRE(h.tap("filter:come_back"));
  double filter_ms = Ms(std::chrono::steady_clock::now() - f0).count();
  std::printf("field bench: come-back filter (tap, frames to settle): %.1f ms, %zu doors in the queue\n", filter_ms,
              h.state.field.list->rows.size());
}
