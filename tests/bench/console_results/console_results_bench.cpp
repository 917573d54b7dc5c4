// Benchmark: the console's results page (GET /consultations/ID) of a consultation with many responses.
//
//   bench-console-results [--responses 100000] [--requests 15] [--dir PATH] [--database postgresql://...]
//
// A hub in a fresh data folder (SQLite; or the PostgreSQL database of --database, which must be empty) is
// given the town-square fixture and N responses through the ingest path itself (prepare_item, then
// Store::commit_batch, 1,000 a transaction: the facets are drawn as a device's batch would have them).
// Venues, languages, days and answers vary. Then the results page's handler is called as the console's
// router calls it: unfiltered, filtered by venue, and filtered to a set too small for a breakdown; each
// timed `--requests` times after one untimed call. Printed: the medians and worst times, the hub's
// resident memory before and after the calls, and its peak over the calls alone (the peak is reset after
// loading through /proc/self/clear_refs).
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "console.h"
#include "hub_impl.h"
#include "hub_ingest.h"
#include "soundings/clock.h"
#include "soundings/database.h"
#include "soundings/hub.h"
#include "soundings/response.h"

namespace {

using namespace soundings;
using namespace soundings::hub::detail;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  long responses = 100000;
  int requests = 15;
  std::string dir;
  std::string database;
};

long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t length = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, length, field) == 0 && line.size() > length && line[length] == ':') {
      return std::strtol(line.c_str() + length + 1, nullptr, 10);
    }
  }
  return -1;
}

void reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* const kVenues[] = {"Llyfrgell Wrecsam", "Marchnad y Bobl", "Canolfan Hamdden", "Neuadd y Dref",
                               "Ysgol Morgan Llwyd", "Gorsaf Fysiau", "Amgueddfa", "Tŷ Pawb"};
const char* const kComments[] = {
    "Mae angen mwy o seddi a choed ar y sgwâr, ac mae'r farchnad ddydd Sadwrn yn bwysig iawn i ni.",
    "More trees please, and somewhere dry to sit when it rains.", "Byddai'n dda cael ffynnon i'r plant."};

nlohmann::json sample(long n, TimePoint now) {
  Response response;
  // Spread over 30 days before now, so the page counts many days.
  const TimePoint submitted = now - std::chrono::minutes(5 + (n * 37) % (30 * 24 * 60));
  response.id = make_time_ordered_uuid(submitted - std::chrono::minutes(4));
  response.consultation_id = "town-square";
  response.consultation_version = 1;
  response.language = n % 3 == 0 ? "en" : "cy";
  response.device_id = "bench-kiosk-" + std::to_string(n % 12);
  response.venue = kVenues[n % 8];
  response.started_at = format_iso8601_utc(submitted - std::chrono::minutes(4));
  response.submitted_at = format_iso8601_utc(submitted);
  response.page_seconds = {{"views", static_cast<int>(120 + n % 60)}, {"about-you", 15}};
  const char* favourite = n % 5 == 0 ? "market" : n % 5 == 1 ? "other" : "trees";
  response.answers = {{"favourite", {{"option", favourite}}},
                      {"wanted", {{"options", n % 2 ? nlohmann::json{"seats", "fountain"} : nlohmann::json{"stalls"}}}},
                      {"rating", n % 11},
                      {"comments", kComments[n % 3]}};
  if (n % 5 == 1) response.answers["favourite"]["other_text"] = "Y cloc";
  response.personal = {{"sealed", std::string(96, 'A')}};
  return response_to_json(response);
}

// CPU time of this thread: the handler's own work, whatever else the machine is busy with (SQLite runs in
// this thread; PostgreSQL's server does not, so there it is the hub's side only).
double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

// The same page over HTTP, as a browser asks for it: the hub serving on 127.0.0.1 (its connection gate,
// the console's router, a viewer's session from signing in).
bool over_http(hub::Hub& hub, const Options& options) {
  const std::string email = "bench-viewer@example.gov.uk";
  const std::string password = "correct horse battery staple";
  if (auto added = hub.add_console_user(email, "viewer", password); !added) {
    std::fprintf(stderr, "bench-console-results: %s\n", added.error().message.c_str());
    return false;
  }
  const auto port = hub.listen("127.0.0.1", 0);
  if (!port) {
    std::fprintf(stderr, "bench-console-results: %s\n", port.error().message.c_str());
    return false;
  }
  httplib::Client client("127.0.0.1", *port);
  client.set_read_timeout(60, 0);
  client.set_url_encode(false);  // the targets below are already encoded as a browser sends them
  const std::string origin = "http://127.0.0.1:" + std::to_string(*port);
  const auto signed_in = client.Post("/sign-in", {{"Origin", origin}},
                                     "email=" + email + "&password=correct+horse+battery+staple&next=%2F",
                                     "application/x-www-form-urlencoded");
  std::string cookie;
  if (signed_in) {
    for (const auto& [name, value] : signed_in->headers) {
      if (name == "Set-Cookie" && value.rfind("soundings_session=", 0) == 0) cookie = value.substr(0, value.find(';'));
    }
  }
  if (cookie.empty()) {
    std::fprintf(stderr, "bench-console-results: signing in over HTTP failed (%d)\n", signed_in ? signed_in->status : 0);
    return false;
  }
  std::printf("over HTTP (127.0.0.1, signed in as a viewer):\n");
  for (const char* target : {"/consultations/town-square", "/consultations/town-square.csv?table=q-favourite",
                             "/consultations/town-square?venue=T%C5%B7+Pawb&language=cy"}) {
    std::vector<double> times;
    size_t bytes = 0;
    for (int i = 0; i <= options.requests; ++i) {
      const auto start = SteadyClock::now();
      const auto answer = client.Get(target, {{"Cookie", cookie}});
      const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
      if (!answer || answer->status != 200) {
        std::fprintf(stderr, "bench-console-results: GET %s answered %d\n", target, answer ? answer->status : 0);
        return false;
      }
      bytes = answer->body.size();
      if (i > 0) times.push_back(ms);
    }
    std::printf("  GET %-58s median %6.1f ms  worst %6.1f ms  (%zu bytes)\n", target, median(times),
                *std::max_element(times.begin(), times.end()), bytes);
  }
  std::printf("hub resident memory after the HTTP calls: %.1f MB; peak since loading %.1f MB\n",
              status_kb("VmRSS") / 1024.0, status_kb("VmHWM") / 1024.0);
  hub.stop();
  return true;
}

int run(const Options& options) {
  std::filesystem::path dir = options.dir.empty()
                                  ? std::filesystem::temp_directory_path() / ("bench-console-" + std::to_string(::getpid()))
                                  : std::filesystem::path(options.dir);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  hub::HubConfig config;
  config.data_dir = dir.string();
  config.database = options.database;
  auto opened = hub::Hub::open(config);
  if (!opened) {
    std::fprintf(stderr, "bench-console-results: %s\n", opened.error().message.c_str());
    return 1;
  }
  hub::Hub& hub = **opened;
  if (const auto published = hub.publish_json(read_file(SOUNDINGS_HUB_FIXTURE)); !published.problems.empty()) {
    std::fprintf(stderr, "bench-console-results: the fixture did not publish\n");
    return 1;
  }
  HubState& state = hub.state_for_tests();
  const TimePoint now = state.now();
  const DefinitionLookup lookup = [&](const std::string& id, int version) -> ConsultationPtr {
    auto found = state.definition(id, version);
    return found ? *found : nullptr;
  };

  const auto load_start = SteadyClock::now();
  constexpr long kBatch = 1000;
  for (long first = 0; first < options.responses; first += kBatch) {
    std::vector<BatchItem> items;
    for (long n = first; n < std::min(options.responses, first + kBatch); ++n) {
      items.push_back(prepare_item(sample(n, now), static_cast<size_t>(n - first), lookup, now));
      if (!items.back().acceptable) {
        std::fprintf(stderr, "bench-console-results: a response was refused: %s\n", items.back().reason.c_str());
        return 1;
      }
    }
    auto committed = state.store->commit_batch("bench-kiosk-0", items, state.now_text(), QuarantineAllowance{});
    if (!committed) {
      std::fprintf(stderr, "bench-console-results: %s\n", committed.error().message.c_str());
      return 1;
    }
  }
  const double load_seconds = std::chrono::duration<double>(SteadyClock::now() - load_start).count();
  const auto stored = hub.stored_count("town-square");
  if (!stored || *stored != options.responses) {
    std::fprintf(stderr, "bench-console-results: %lld stored, not %ld\n", stored ? static_cast<long long>(*stored) : -1LL,
                 options.responses);
    return 1;
  }
  std::printf("backend: %s; %ld responses loaded through prepare_item and commit_batch in %.1f s\n",
              options.database.empty() ? "SQLite" : "PostgreSQL", options.responses, load_seconds);

  const std::string path = "/consultations/town-square";
  console::Route results{};
  // The route the router would choose for the page.
  for (const console::Route& route : console::consultation_routes()) {
    if (std::string(route.method) == "GET" && std::regex_match(path, std::regex(route.pattern))) results = route;
  }
  if (!results.handler) {
    std::fprintf(stderr, "no console route answers %s\n", path.c_str());
    return 1;
  }
  const console::Session session{"bench@example.gov.uk", console::Role::Viewer, "csrf"};
  std::smatch match;
  const std::regex pattern(results.pattern);
  std::regex_match(path, match, pattern);

  const long rss_before = status_kb("VmRSS");
  reset_peak();
  struct Case {
    const char* name;
    httplib::Params params;
  };
  const Case cases[] = {
      {"all responses", {}},
      {"venue = Tŷ Pawb, language = cy", {{"venue", "Tŷ Pawb"}, {"language", "cy"}}},
      {"fewer than 10 (no breakdown)", {{"device", "bench-kiosk-3"}, {"venue", "Amgueddfa"}}},
  };
  const auto measure = [&]() -> bool {
    for (const Case& c : cases) {
      httplib::Request http;
      http.method = "GET";
      http.path = path;
      http.params = c.params;
      std::vector<double> times;
      std::vector<double> cpu;
      size_t bytes = 0;
      for (int i = 0; i <= options.requests; ++i) {
        console::PageRequest request{http, state, session, "en", console::Format::Html, match};
        const auto start = SteadyClock::now();
        const double cpu_start = thread_cpu_ms();
        const console::PageResult page = results.handler(request);
        const double ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
        const double cpu_ms = thread_cpu_ms() - cpu_start;
        if (page.status != 200) {
          std::fprintf(stderr, "bench-console-results: %s answered %d\n", c.name, page.status);
          return false;
        }
        bytes = page.main.size();
        if (i > 0) {  // the first call warms the definition cache and the database's pages
          times.push_back(ms);
          cpu.push_back(cpu_ms);
        }
      }
      std::printf("  %-34s median %6.1f ms  worst %6.1f ms  CPU median %6.1f ms  (%d calls, %zu bytes of HTML)\n",
                  c.name, median(times), *std::max_element(times.begin(), times.end()), median(cpu),
                  options.requests, bytes);
    }
    return true;
  };
  if (options.database.empty()) {
    std::printf("results page, called as the router calls it:\n");
    if (!measure()) return 1;
  } else {
    // Until (auto)vacuum has marked the table's pages all-visible, PostgreSQL's index-only scan still visits
    // the rows; a live hub's insert-driven autovacuum does that soon after a batch of inserts.
    std::printf("results page, just after loading (before any vacuum):\n");
    if (!measure()) return 1;
    auto connection = db::open_postgres(options.database);
    if (!connection || !(*connection)->exec("VACUUM (ANALYZE) responses", "vacuuming")) {
      std::fprintf(stderr, "bench-console-results: VACUUM failed\n");
      return 1;
    }
    std::printf("results page, after VACUUM (ANALYZE) responses, as autovacuum leaves it:\n");
    if (!measure()) return 1;
  }
  std::printf("hub resident memory: %.1f MB before the calls, %.1f MB after; peak during the calls %.1f MB\n",
              rss_before / 1024.0, status_kb("VmRSS") / 1024.0, status_kb("VmHWM") / 1024.0);
  if (!over_http(hub, options)) return 1;
  opened->reset();
  if (options.dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--responses" && has_value) {
      options.responses = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--requests" && has_value) {
      options.requests = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (arg == "--dir" && has_value) {
      options.dir = argv[++i];
    } else if (arg == "--database" && has_value) {
      options.database = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bench-console-results [--responses 100000] [--requests 15] [--dir PATH] "
                   "[--database postgresql://...]\n");
      return 2;
    }
  }
  if (options.responses < 1 || options.requests < 1) {
    std::fprintf(stderr, "bench-console-results: --responses and --requests must be 1 or more\n");
    return 2;
  }
  return run(options);
}
