// Fuzz target: a POST /api/v1/responses or /api/v1/records body through the hub's parsing to each item's verdict,
// without a network or a store.
//
// The routes read the body with the bounded parser, want an object with a "responses" list (each item
// judged by prepare_item) or a "records" list (each envelope judged by prepare_record, which checks
// visits, check-ins and sign-ins against the hub's officers and walk lists), then echo each item's id.
// The same steps run here against the demo consultations and one known officer and door, so every
// check of shape, identity, language, closing date, answers and field records is reached.
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

// One officer and one door, as `soundings-hub staff add` and `walklist import` would leave them.
const soundings::hub::detail::FieldLookup& field_lookup() {
  static const soundings::hub::detail::FieldLookup lookup{
      [](const std::string& staff_id) { return staff_id == "rhian.j"; },
      [](const std::string& list_id, const std::string& uprn) { return list_id == "list-1" && uprn == "100100123456"; }};
  return lookup;
}

void judge_record(const nlohmann::json& envelope, size_t index,
                  const soundings::hub::detail::DefinitionLookup& lookup) {
  const soundings::hub::detail::BatchItem verdict =
      soundings::hub::detail::prepare_record(envelope, index, lookup, field_lookup(), fixed_now());
  FUZZ_REQUIRE(verdict.acceptable == verdict.reason.empty(), "a refused record, and only a refused record, has a reason");
  FUZZ_REQUIRE(verdict.kept.size() <= soundings::hub::detail::kMaxQuarantineCopyBytes + 512,
               "quarantine keeps a bounded copy");
  if (!verdict.acceptable) return;
  FUZZ_REQUIRE(soundings::is_uuid(verdict.record_id), "an accepted record has a UUID");
  FUZZ_REQUIRE(envelope.is_object() && envelope.contains("body") && verdict.canonical == envelope["body"].dump(),
               "an accepted record's canonical form is its body as received");
  if (verdict.kind == soundings::RecordKind::Visit) {
    FUZZ_REQUIRE(verdict.staff_id == "rhian.j" && verdict.door == "100100123456", "only a known door is accepted");
  }
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
  const bool records = request->contains("records");
  const auto items = request->find(records ? "records" : "responses");
  if (items == request->end() || !items->is_array() || items->size() > kMaxBatchItems) return 0;

  const soundings::hub::detail::DefinitionLookup lookup = [](const std::string& id, int version) {
    const auto found = definitions().find({id, version});
    return found == definitions().end() ? soundings::ConsultationPtr() : found->second;
  };
  nlohmann::json answer = nlohmann::json::array();
  for (size_t i = 0; i < items->size(); ++i) {
    const nlohmann::json& item = (*items)[i];
    if (records) {
      judge_record(item, i, lookup);
    } else {
      judge(item, i, lookup);
    }
    // The route's reply echoes the id as sent (up to kMaxResponseIdBytes); it must print, whatever was sent.
    const bool has_id = item.is_object() && item.contains("id") && item["id"].is_string() &&
                        item["id"].get_ref<const std::string&>().size() <= soundings::kMaxResponseIdBytes;
    answer.push_back(nlohmann::json{{"id", has_id ? item["id"] : nlohmann::json()}});
  }
  (void)nlohmann::json{{"results", std::move(answer)}}.dump();
  return 0;
}
