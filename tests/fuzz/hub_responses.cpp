// Fuzz target: a POST /api/v1/responses body through the hub's parsing to each item's verdict, without a network or a store.
//
// The route reads the body with the bounded parser, wants an object with a "responses" list, judges
// each item with prepare_item against the published definitions, then echoes each item's id. The
// same steps run here against the demo consultations, so every check of shape, identity, language,
// closing date and answers is reached.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "soundings/clock.h"
#include "hub_ingest.h"
#include "soundings/json_bounded.h"
#include "soundings/loader.h"
#include "soundings/response.h"

namespace {

using Definitions = std::map<std::pair<std::string, int>, soundings::ConsultationPtr>;

Definitions load_definitions() {
  const std::filesystem::path assets = SOUNDINGS_ASSETS_DIR;
  const std::filesystem::path tests = SOUNDINGS_TESTS_DIR;
  soundings::LoadOptions options;
  options.resolve_block = soundings::blocks_from_directory((assets / "blocks").string());
  Definitions definitions;
  const auto add = [&](const std::filesystem::path& file) {
    const auto outcome = soundings::load_consultation_file(file.string(), options);
    // A fixture that no longer loads would silently shrink what the fuzzer reaches.
    FUZZ_REQUIRE(outcome.ok(), "a fixture consultation loads");
    definitions[{outcome.consultation->id, outcome.consultation->version}] = outcome.consultation;
  };
  for (const auto& entry : std::filesystem::directory_iterator(assets / "consultations")) add(entry.path());
  add(tests / "sync" / "data" / "town-square.json");
  add(tests / "kiosk" / "data" / "every-type.json");
  return definitions;
}

// Loaded once per process: the loader has its own fuzz target, and reloading would slow every run.
const Definitions& definitions() {
  static const Definitions loaded = load_definitions();
  return loaded;
}

// The hub's default max_batch_items (HubConfig).
constexpr size_t kMaxBatchItems = 1000;

// The hub's clock, fixed so that a replayed input is judged the same way every time.
soundings::TimePoint fixed_now() {
  soundings::TimePoint now;
  FUZZ_REQUIRE(soundings::parse_iso8601_utc("2027-01-01T00:00:00Z", now), "the fixed clock parses");
  return now;
}

void judge(const nlohmann::json& item, size_t index, const soundings::hub::detail::DefinitionLookup& lookup) {
  const soundings::hub::detail::BatchItem verdict = soundings::hub::detail::prepare_item(item, index, lookup, fixed_now());
  FUZZ_REQUIRE(verdict.canonical == item.dump(), "the canonical form is the item as received");
  FUZZ_REQUIRE(verdict.acceptable == verdict.reason.empty(), "a refused item, and only a refused item, has a reason");
  if (!verdict.acceptable) return;
  FUZZ_REQUIRE(soundings::is_uuid(verdict.record_id), "an accepted item has a UUID");
  // What the hub stores must read back as the same response, or exports would disagree with ingest.
  const auto parsed = soundings::response_from_json(item);
  FUZZ_REQUIRE(parsed.ok(), "an accepted item parses as a response");
  const nlohmann::json written = soundings::response_to_json(parsed.value());
  const auto reread = soundings::response_from_json(written);
  FUZZ_REQUIRE(reread.ok(), "a response written by the core reads back");
  FUZZ_REQUIRE(soundings::response_to_json(reread.value()) == written, "writing and reading a response is stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto request = soundings::parse_json_bounded(body, "the request body");
  if (!request) {
    FUZZ_REQUIRE(!request.error().message.empty(), "a refused body has a reason");
    return 0;
  }
  if (!request->is_object()) return 0;
  const auto items = request->find("responses");
  if (items == request->end() || !items->is_array() || items->size() > kMaxBatchItems) return 0;

  const soundings::hub::detail::DefinitionLookup lookup = [](const std::string& id, int version) {
    const auto found = definitions().find({id, version});
    return found == definitions().end() ? soundings::ConsultationPtr() : found->second;
  };
  nlohmann::json answer = nlohmann::json::array();
  for (size_t i = 0; i < items->size(); ++i) {
    const nlohmann::json& item = (*items)[i];
    judge(item, i, lookup);
    // The route's reply echoes the id as sent (up to kMaxResponseIdBytes); it must print, whatever was sent.
    const bool has_id = item.is_object() && item.contains("id") && item["id"].is_string() &&
                        item["id"].get_ref<const std::string&>().size() <= soundings::kMaxResponseIdBytes;
    answer.push_back(nlohmann::json{{"id", has_id ? item["id"] : nlohmann::json()}});
  }
  (void)nlohmann::json{{"results", std::move(answer)}}.dump();
  return 0;
}
