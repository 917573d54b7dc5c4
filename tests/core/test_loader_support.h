// Helpers for the loader and validator tests: fixtures from tests/data and checks on problem lists.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "soundings/loader.h"

namespace loader_test {

using Json = nlohmann::ordered_json;

inline std::string data_path(const std::string& relative) { return std::string(SOUNDINGS_TEST_DATA_DIR) + "/" + relative; }

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The small valid consultation of tests/data, as a document to break in one place.
inline Json small_fixture() { return Json::parse(read_file(data_path("consultations/small.json"))); }

inline soundings::LoadOptions fixture_options() {
  soundings::LoadOptions options;
  options.resolve_block = soundings::blocks_from_directory(data_path("blocks"));
  return options;
}

inline soundings::LoadOutcome load(const Json& document) {
  return soundings::load_consultation(document.dump(), fixture_options());
}

inline std::string listing(const soundings::LoadOutcome& outcome) {
  std::string out;
  for (const auto& problem : outcome.problems) out += soundings::describe(problem) + "\n";
  return out;
}

// True when some problem sits exactly at `path` and its message contains `words`.
inline bool has_problem(const soundings::LoadOutcome& outcome, const std::string& path, const std::string& words) {
  for (const auto& problem : outcome.problems) {
    if (problem.path == path && problem.message.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace loader_test
