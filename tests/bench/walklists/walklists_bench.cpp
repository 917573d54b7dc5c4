// Benchmark: a walk list of N doors (5,000 by default) from head office to a field tablet.
//
//   bench-walklists [--doors 5000] [--rounds 5] [--dir PATH]
//
// Each round, in a fresh folder: the CSV imported at a hub (Hub::import_walk_list: parsing, every check,
// one transaction), a sync cycle of a real agent against that hub on 127.0.0.1 that pulls the list into the
// tablet's store (GET /walklists, Store::replace_walk_lists, WAL checkpoint), and the tablet reading its lists
// back (Store::walk_lists, what the list screen loads). The median round is printed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "soundings/device_store.h"
#include "soundings/hub.h"
#include "soundings/sync_agent.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace soundings;

struct Options {
  int doors = 5000;
  int rounds = 5;
  std::string dir;
};

struct Round {
  double import_ms = 0;
  double pull_ms = 0;
  double read_ms = 0;
  size_t csv_bytes = 0;
};

double ms_since(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench-walklists: %s\n", what.c_str());
  std::exit(1);
}

// Streets of Welsh and English names, about 25 doors each, some addresses quoted for their commas.
std::string make_csv(int doors) {
  static const char* const kStreets[] = {"Ffordd Llanfair", "Stryt yr Eglwys", "Heol y Frenhines", "Lôn Glyndŵr",
                                         "High Street",     "Maes-y-Dre",      "Ffordd Tŷ Gwyn",   "Church Road"};
  std::string csv = "uprn,address,street,postcode,ward\r\n";
  for (int i = 0; i < doors; ++i) {
    const std::string street = std::string(kStreets[i / 25 % 8]) + " " + std::to_string(i / 200 + 1);
    const std::string number = std::to_string(i % 25 + 1);
    const std::string address = i % 3 == 0 ? "\"Flat " + number + ", " + street + "\"" : number + " " + street;
    csv += std::to_string(100000000 + i) + "," + address + "," + street + ",LL11 " + std::to_string(i % 9 + 1) +
           "AB,Gwersyllt\r\n";
  }
  return csv;
}

Round run_round(const Options& options, const std::filesystem::path& folder) {
  Round round;
  const std::string csv = make_csv(options.doors);
  round.csv_bytes = csv.size();
  hub::HubConfig config;
  config.data_dir = (folder / "hub").string();
  auto opened = hub::Hub::open(config);
  if (!opened) die(opened.error().message);
  hub::Hub& hub = **opened;

  auto start = SteadyClock::now();
  auto imported = hub.import_walk_list("Gwersyllt", csv);
  round.import_ms = ms_since(start);
  if (!imported || !imported->problems.empty()) die("the import failed");

  auto port = hub.listen("127.0.0.1", 0);
  if (!port) die(port.error().message);
  auto tablet = open_device_store((folder / "tablet").string());
  if (!tablet) die(tablet.error().message);
  auto code = hub.make_enrol_code("Tablet 1", std::chrono::hours(1), hub::DeviceRole::Field);
  sync::AgentConfig agent_config;
  if (!code || !sync::enrol(**tablet, "http://127.0.0.1:" + std::to_string(*port), *code, "Tablet 1", agent_config)) {
    die("the tablet could not enrol");
  }
  const std::string device_id = (*tablet)->setting(setting::kDeviceId)->value_or("");
  if (!hub.assign_walk_list("Gwersyllt", device_id)) die("could not assign the list");

  {
    sync::SyncAgent agent(**tablet, agent_config);
    start = SteadyClock::now();
    const auto outcome = agent.run_once();
    round.pull_ms = ms_since(start);
    if (!outcome.error.empty()) die(outcome.error);
  }
  start = SteadyClock::now();
  const auto lists = (*tablet)->walk_lists();
  round.read_ms = ms_since(start);
  if (!lists || lists->size() != 1 || lists->front().addresses.size() != static_cast<size_t>(options.doors)) {
    die("the tablet does not hold the whole list");
  }
  hub.stop();
  return round;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--doors") options.doors = std::atoi(argv[i + 1]);
    else if (flag == "--rounds") options.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--dir") options.dir = argv[i + 1];
    else die("unknown option " + flag + " (--doors N, --rounds N, --dir PATH)");
  }
  if (argc % 2 == 0) die("every option takes a value");
  if (options.doors < 1 || options.doors > 50000 || options.rounds < 1) die("--doors 1..50000, --rounds 1 or more");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const std::filesystem::path base = options.dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(options.dir);
  std::vector<double> imports, pulls, reads;
  for (int r = 0; r < options.rounds; ++r) {
    const auto folder = base / ("soundings-bench-walklists-" + std::to_string(::getpid()) + "-" + std::to_string(r));
    std::filesystem::remove_all(folder);
    const Round round = run_round(options, folder);
    std::filesystem::remove_all(folder);
    std::printf("round %d: %d doors (%zu KB of CSV): import %.1f ms, sync cycle pulling it %.1f ms, "
                "walk_lists() %.1f ms\n",
                r + 1, options.doors, round.csv_bytes / 1024, round.import_ms, round.pull_ms, round.read_ms);
    imports.push_back(round.import_ms);
    pulls.push_back(round.pull_ms);
    reads.push_back(round.read_ms);
  }
  std::printf("median of %d rounds, %d doors: import at the hub %.1f ms, sync cycle to the tablet %.1f ms, "
              "Store::walk_lists() %.1f ms\n",
              options.rounds, options.doors, median(imports), median(pulls), median(reads));
  return 0;
}
