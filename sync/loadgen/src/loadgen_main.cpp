// soundings-loadgen: writes N valid, varied, completed responses into a device store (benchmarks and tests).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "soundings/loader.h"
#include "soundings/loadgen.h"
#include "soundings/store.h"
#include "soundings/device_store.h"

namespace {

const char* kUsage =
    "usage: soundings-loadgen --data DIR --consultation FILE --count N [--seed S] [--field] [--venue TAG]\n"
    "       soundings-loadgen --data DIR --visits N [--seed S]\n"
    "Writes N completed responses into DIR/device.sqlite through the same session and save path as the\n"
    "kiosk. Personal questions are answered and sealed only when the store has head office's key\n"
    "(after enrolment). With --visits, writes N door visits round the walk lists a synced field tablet\n"
    "holds, as its officer would.\n";

bool parse_number(const std::string& text, long long low, long long high, long long& out) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || value < low || value > high) return false;
  out = value;
  return true;
}

int write_visits(const std::string& data_dir, long long visits, long long seed) {
  auto store = soundings::open_device_store(data_dir);
  if (!store) {
    std::cerr << "soundings-loadgen: " << store.error().message << "\n";
    return 1;
  }
  auto saved = soundings::loadgen::fill_visits(**store, visits, static_cast<uint64_t>(seed), [visits](int64_t done) {
    if (done % 10000 == 0) std::cerr << "soundings-loadgen: " << done << " of " << visits << " visits\n";
  });
  if (!saved) {
    std::cerr << "soundings-loadgen: " << saved.error().message << "\n";
    return 1;
  }
  std::cout << "soundings-loadgen: saved " << *saved << " visits in " << (**store).path() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir;
  std::string file;
  long long count = -1;
  long long seed = 1;
  long long visits = -1;
  soundings::loadgen::LoadgenOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--data" && has_value) {
      data_dir = argv[++i];
    } else if (arg == "--consultation" && has_value) {
      file = argv[++i];
    } else if (arg == "--count" && has_value) {
      if (!parse_number(argv[++i], 0, 100000000, count)) {
        std::cerr << "soundings-loadgen: --count must be a whole number from 0\n";
        return 64;
      }
    } else if (arg == "--visits" && has_value) {
      if (!parse_number(argv[++i], 0, 100000000, visits)) {
        std::cerr << "soundings-loadgen: --visits must be a whole number from 0\n";
        return 64;
      }
    } else if (arg == "--seed" && has_value) {
      if (!parse_number(argv[++i], 0, INT64_MAX, seed)) {
        std::cerr << "soundings-loadgen: --seed must be a whole number from 0\n";
        return 64;
      }
    } else if (arg == "--venue" && has_value) {
      options.venue = argv[++i];
    } else if (arg == "--field") {
      options.channel = soundings::Channel::Field;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "soundings-loadgen: unknown or incomplete argument \"" << arg << "\"\n" << kUsage;
      return 64;
    }
  }
  if (!data_dir.empty() && visits >= 0 && file.empty() && count < 0) return write_visits(data_dir, visits, seed);
  if (data_dir.empty() || file.empty() || count < 0) {
    std::cerr << kUsage;
    return 64;
  }

  soundings::LoadOptions load_options;
  load_options.resolve_block = soundings::blocks_from_directory(soundings::default_blocks_directory());
  const auto loaded = soundings::load_consultation_file(file, load_options);
  if (!loaded.ok()) {
    for (const auto& problem : loaded.problems) std::cerr << file << ": " << soundings::describe(problem) << "\n";
    return 1;
  }
  auto store = soundings::open_device_store(data_dir);
  if (!store) {
    std::cerr << "soundings-loadgen: " << store.error().message << "\n";
    return 1;
  }
  options.count = count;
  options.seed = static_cast<uint64_t>(seed);
  options.progress = [count](int64_t saved) {
    if (saved % 10000 == 0) std::cerr << "soundings-loadgen: " << saved << " of " << count << "\n";
  };
  auto saved = soundings::loadgen::fill_store(**store, loaded.consultation, options);
  if (!saved) {
    std::cerr << "soundings-loadgen: " << saved.error().message << "\n";
    return 1;
  }
  std::cout << "soundings-loadgen: saved " << *saved << " responses to " << loaded.consultation->id << " version "
            << loaded.consultation->version << " in " << (**store).path() << "\n";
  return 0;
}
