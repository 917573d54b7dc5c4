// Test support for the hub suites: temporary folders, the fixture consultation, a served hub, the command.
#include "hub_fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "soundings/clock.h"
#include "soundings/record.h"
#include "soundings/sqlite.h"
#include "test_database.h"

namespace hubtest {

TempDir::TempDir() {
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("soundings-hub-test-" + soundings::make_uuid());
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("could not make a temporary folder");
}

TempDir::~TempDir() {
  soundings::test::forget_test_database(path_);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string Run::last_line() const {
  std::string text = output;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

Run run_hub(const std::vector<std::string>& args, const std::string& input) {
  // Built before fork: the child of a threaded process may only call async-signal-safe functions.
  std::vector<std::string> words = args;
  // Against PostgreSQL, each data folder's hub lives in a database of its own, as ServedHub's does.
  const auto data = std::find(words.begin(), words.end(), "--data");
  // migrate reads the folder's SQLite file whatever the suite runs on, and writes where --to says.
  const bool migrate = !words.empty() && words.front() == "migrate";
  if (soundings::test::on_postgres() && !migrate && data != words.end() && data + 1 != words.end() &&
      std::find(words.begin(), words.end(), "--database") == words.end()) {
    const std::string database = soundings::test::database_for(*(data + 1));
    words.insert(words.end(), {"--database", database});
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(SOUNDINGS_HUB_EXE));
  for (const auto& arg : words) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  int out_fds[2];
  int in_fds[2];
  REQUIRE(::pipe(out_fds) == 0);
  REQUIRE(::pipe(in_fds) == 0);
  // Written whole before the child starts (it fits the pipe's buffer), so a child that ends without
  // reading it can never leave this process writing to a closed pipe.
  REQUIRE(input.size() <= 65536);
  REQUIRE(::write(in_fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  ::close(in_fds[1]);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in_fds[0], STDIN_FILENO);
    ::dup2(out_fds[1], STDOUT_FILENO);
    ::dup2(out_fds[1], STDERR_FILENO);
    ::close(in_fds[0]);
    ::close(out_fds[0]);
    ::close(out_fds[1]);
    ::execv(SOUNDINGS_HUB_EXE, argv.data());
    ::_exit(127);
  }
  ::close(in_fds[0]);
  ::close(out_fds[1]);
  Run run;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = ::read(out_fds[0], buffer, sizeof buffer)) > 0) run.output.append(buffer, static_cast<size_t>(got));
  ::close(out_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::filesystem::path data_file(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "data" / name;
}

std::string town_square_json(int version, const std::string& closes, const std::string& id) {
  std::ifstream in(data_file("town-square.json"));
  std::stringstream text;
  text << in.rdbuf();
  auto definition = nlohmann::json::parse(text.str());
  definition["version"] = version;
  definition["closes"] = closes;
  definition["id"] = id;
  return definition.dump(2);
}

soundings::Response good_response(const std::string& device_id) {
  soundings::Response response;
  response.id = soundings::make_uuid();
  response.consultation_id = "town-square";
  response.consultation_version = 1;
  response.language = "cy";
  response.channel = soundings::Channel::Kiosk;
  response.device_id = device_id;
  response.venue = "Llyfrgell Wrecsam";
  const auto now = soundings::Clock::now();
  response.started_at = soundings::format_iso8601_utc(now - std::chrono::minutes(3));
  response.submitted_at = soundings::format_iso8601_utc(now);
  response.page_seconds = {{"views", 95}, {"about-you", 20}};
  response.answers = {{"favourite", {{"option", "trees"}}},
                      {"wanted", {{"options", {"seats", "fountain"}}}},
                      {"rating", 7},
                      {"comments", "Mwy o goed, os gwelwch yn dda"}};
  return response;
}

nlohmann::json batch_of(const std::vector<soundings::Response>& responses) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& response : responses) items.push_back(soundings::response_to_json(response));
  return {{"responses", items}};
}

ServedHub::ServedHub(soundings::hub::HubConfig config, Storage storage) {
  config.data_dir = dir_.path().string();
  if (storage == Storage::Suite) soundings::test::use_test_database(config);
  auto opened = soundings::hub::Hub::open(config);
  if (!opened) throw std::runtime_error("hub did not open: " + opened.error().message);
  hub_ = std::move(opened.value());
  const auto published = hub_->publish_json(town_square_json());
  if (!published.problems.empty()) {
    throw std::runtime_error("fixture not published: " + soundings::describe(published.problems.front()));
  }
  auto bound = hub_->listen("127.0.0.1", 0);
  if (!bound) throw std::runtime_error("hub did not listen: " + bound.error().message);
  port_ = *bound;
}

ServedHub::~ServedHub() { hub_->stop(); }

httplib::Client ServedHub::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(60, 0);
  client.set_write_timeout(60, 0);
  return client;
}

std::string ServedHub::enrol(const std::string& name, soundings::hub::DeviceRole role) {
  const auto code = hub_->make_enrol_code(name, std::chrono::hours(24), role);
  if (!code) throw std::runtime_error("no enrolment code: " + code.error().message);
  auto http = client();
  const auto result = http.Post("/api/v1/enrol", nlohmann::json{{"code", *code}, {"name", name}}.dump(),
                                "application/json");
  if (!result || result->status != 200) throw std::runtime_error("enrolment failed");
  const auto answer = nlohmann::json::parse(result->body);
  last_device_id_ = answer.at("device_id").get<std::string>();
  return answer.at("token").get<std::string>();
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

nlohmann::json post_batch(httplib::Client& client, const std::string& token, const nlohmann::json& batch,
                          int* status) {
  const auto result = client.Post("/api/v1/responses", bearer(token), batch.dump(), "application/json");
  if (status) *status = result ? result->status : -1;
  if (!result) return {};
  return nlohmann::json::parse(result->body, nullptr, false);
}

namespace {

void run_on_hub_database(const std::filesystem::path& data_dir, const std::string& sql,
                         const std::vector<std::string>& values) {
  soundings::test::HubDatabase db(data_dir);
  auto statement = db->prepare(sql);
  if (!statement) throw std::runtime_error(statement.error().message);
  for (size_t i = 0; i < values.size(); ++i) statement->bind(static_cast<int>(i + 1), values[i]);
  if (auto done = statement->run("writing a test row"); !done) throw std::runtime_error(done.error().message);
}

}  // namespace

void post_record(const ServedHub& served, const std::string& token, const std::string& kind,
                 const nlohmann::json& body) {
  const auto made = soundings::make_envelope(*soundings::record_kind_from_name(kind), body);
  if (!made) throw std::runtime_error(made.error().message);
  const nlohmann::json records = nlohmann::json::array(
      {{{"kind", kind}, {"id", made->id}, {"hash", made->hash}, {"body", body}}});
  auto http = served.client();
  const auto result = http.Post("/api/v1/records", bearer(token), nlohmann::json{{"records", records}}.dump(),
                                "application/json");
  if (!result || result->status != 200) throw std::runtime_error("POST /api/v1/records failed");
  const auto answer = nlohmann::json::parse(result->body);
  if (answer.at("results").at(0).at("status") != "stored") {
    throw std::runtime_error("record not stored: " + answer.dump());
  }
}

void insert_staff(const std::filesystem::path& data_dir, const std::string& staff_id, const std::string& name,
                  bool disabled) {
  run_on_hub_database(data_dir,
                      disabled ? "INSERT INTO staff (staff_id, name, pin_hash, created_at, disabled_at) "
                                 "VALUES (?1, ?2, 'not-a-hash', '2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z')"
                               : "INSERT INTO staff (staff_id, name, pin_hash, created_at) "
                                 "VALUES (?1, ?2, 'not-a-hash', '2026-12-01T09:00:00Z')",
                      {staff_id, name});
}

void insert_walk_list(const std::filesystem::path& data_dir, const std::string& list_id, const std::string& name) {
  run_on_hub_database(data_dir,
                      "INSERT INTO walk_lists (list_id, name, imported_at) VALUES (?1, ?2, '2026-12-01T09:00:00Z')",
                      {list_id, name});
}

void insert_walk_address(const std::filesystem::path& data_dir, const std::string& list_id, const std::string& uprn,
                         const std::string& address) {
  run_on_hub_database(data_dir,
                      "INSERT INTO walk_addresses (list_id, uprn, address, street, postcode, ward, line) "
                      "VALUES (?1, ?2, ?3, 'Stryd y Brenin', 'LL11 1AY', 'Rhos', 2)",
                      {list_id, uprn, address});
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace hubtest
