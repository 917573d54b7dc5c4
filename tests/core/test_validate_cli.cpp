// soundings-validate as an officer runs it: the real executable on demo, fixture and freshly broken files.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "test_loader_support.h"

using namespace loader_test;
namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Run validate(const std::vector<std::string>& args) {
  std::string command = shell_quote(SOUNDINGS_VALIDATE_EXE);
  for (const std::string& arg : args) command += " " + shell_quote(arg);
  command += " 2>&1";
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t read = 0;
  while ((read = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, read);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return run;
}

// A directory of its own under the system temp folder, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device seed;
    path = fs::temp_directory_path() /
           ("soundings-validate-" + std::to_string(getpid()) + "-" + std::to_string(seed()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const fs::path file = path / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }
};

std::vector<std::string> demo_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(std::string(SOUNDINGS_ASSETS_DIR) + "/consultations")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("soundings-validate accepts every demo consultation with a one-line summary each", "[validate]") {
  const auto files = demo_files();
  REQUIRE_FALSE(files.empty());
  const Run run = validate(files);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  for (const std::string& file : files) {
    auto outcome = soundings::load_consultation_file(file, soundings::LoadOptions{
        soundings::blocks_from_directory(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks")});
    REQUIRE(outcome.ok());
    const auto& c = *outcome.consultation;
    std::string languages;
    for (const std::string& language : c.languages) languages += (languages.empty() ? "" : ", ") + language;
    const std::string line = "ok  " + c.id + " v" + std::to_string(c.version) + ": " +
                             std::to_string(c.languages.size()) + " languages (" + languages + "), " +
                             std::to_string(c.pages.size()) + " pages, " + std::to_string(c.question_count()) +
                             " questions (" + file + ")\n";
    CHECK(run.output.find(line) != std::string::npos);
  }
}

TEST_CASE("soundings-validate rejects the broken fixtures, naming the place of each problem", "[validate]") {
  const std::string blocks = data_path("blocks");
  struct Expected {
    const char* file;
    const char* words;
  };
  const Expected cases[] = {
      {"broken/empty.json", "  the definition is empty"},
      {"broken/truncated.json", "  invalid JSON at line "},
      {"broken/random-bytes.json", "  invalid JSON at line 1, column 1:"},
      {"broken/missing-welsh.json", "  pages[0].questions[2].options[1].label: missing the Welsh (cy) text"},
      {"broken/misspelt-field.json",
       "  pages[1].questions[1].requierd: unknown field \"requierd\"; did you mean \"required\"?"},
      {"broken/unknown-show-if.json",
       "  pages[0].questions[1].show_if: refers to \"trasport\"; no earlier question has that id"},
  };
  for (const Expected& expected : cases) {
    const Run run = validate({"--blocks", blocks, data_path(expected.file)});
    INFO(expected.file << "\n" << run.output);
    CHECK(run.exit_code == 1);
    CHECK(run.output.find("FAIL  " + data_path(expected.file) + ": 1 problem\n") == 0);
    CHECK(run.output.find(expected.words) != std::string::npos);
  }
  const Run valid = validate({"--blocks", blocks, data_path("consultations/small.json")});
  INFO(valid.output);
  CHECK(valid.exit_code == 0);
  CHECK(valid.output.rfind("ok  test-small v2: 2 languages (cy, en), 4 pages, 18 questions", 0) == 0);
}

TEST_CASE("soundings-validate rejects files broken just now, and one bad file fails the whole run", "[validate]") {
  TempDir dir;
  const std::string text = read_file(data_path("consultations/small.json"));
  Json no_welsh = small_fixture();
  no_welsh["privacy_notice"].erase("cy");
  Json misspelt = small_fixture();
  misspelt["pages"][0]["questions"][0]["optoins"] = misspelt["pages"][0]["questions"][0]["options"];
  std::mt19937 random(3);
  std::string noise(3000, '\0');
  for (char& c : noise) c = static_cast<char>(random() % 256);

  const std::string good = dir.write("good.json", text);
  const std::vector<std::string> broken = {
      dir.write("truncated.json", text.substr(0, text.size() / 3)),
      dir.write("empty.json", ""),
      dir.write("random.json", noise),
      dir.write("no-welsh.json", no_welsh.dump(2)),
      dir.write("misspelt.json", misspelt.dump(2)),
      dir.write("deep.json", std::string(200000, '[')),
      dir.write("not-utf8.json", "{\"id\": \"\xff\xfe\"}"),
      dir.write("huge-number.json", "{\"format\": 1, \"version\": 1e99999}"),
  };
  std::vector<std::string> args = {"--blocks", data_path("blocks"), good};
  args.insert(args.end(), broken.begin(), broken.end());
  const Run run = validate(args);
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("ok  test-small v2") != std::string::npos);
  for (const std::string& file : broken) CHECK(run.output.find("FAIL  " + file + ": ") != std::string::npos);
  CHECK(run.output.find("  privacy_notice: missing the Welsh (cy) text\n") != std::string::npos);
  CHECK(run.output.find("  pages[0].questions[0].optoins: unknown field \"optoins\"; did you mean \"options\"?\n") !=
        std::string::npos);
  CHECK(run.output.find("nested more than 64 levels deep") != std::string::npos);
  CHECK(run.output.find("1 of 9 files valid\n") != std::string::npos);
}

TEST_CASE("soundings-validate reads blocks from --blocks, and says where it looked when one is missing", "[validate]") {
  TempDir empty_blocks;
  const Run run = validate({"--blocks", empty_blocks.path.string(), data_path("consultations/small.json")});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("  pages[2].include: no block called \"test-equality\" was found\n") != std::string::npos);
  CHECK(run.output.find("(blocks are read from " + empty_blocks.path.string()) != std::string::npos);
  const Run equals_form = validate({"--blocks=" + data_path("blocks"), data_path("consultations/small.json")});
  CHECK(equals_form.exit_code == 0);
}

TEST_CASE("soundings-validate warns, naming file, page and question, about a sensitive question open to children",
          "[validate][age]") {
  TempDir blocks;
  Json block = Json::parse(read_file(std::string(SOUNDINGS_ASSETS_DIR) + "/blocks/equality-wales.json"));
  Json& orientation = block["pages"][3]["questions"][0];
  REQUIRE(orientation["id"] == "eq_sexual_orientation");
  orientation.erase("min_age");
  blocks.write("equality-wales.json", block.dump());
  const std::string file = std::string(SOUNDINGS_ASSETS_DIR) + "/consultations/involvement-strategy.json";
  const Run run = validate({"--blocks", blocks.path.string(), file});
  INFO(run.output);
  CHECK(run.exit_code == 0);  // a warning does not refuse the file
  const size_t verdict = run.output.find("ok  involvement-strategy");
  const size_t warning = run.output.find("  warning: pages[");
  REQUIRE(verdict != std::string::npos);
  REQUIRE(warning != std::string::npos);
  CHECK(verdict < warning);
  CHECK(run.output.find(file) < warning);
  CHECK(run.output.find("(block \"equality-wales\").pages[3].questions[0]: \"eq_sexual_orientation\" asks about "
                        "sexual orientation") != std::string::npos);
  CHECK(validate({file}).output.find("warning") == std::string::npos);  // the shipped block has the rule
}

TEST_CASE("soundings-validate explains its usage and exits 2 when called wrongly", "[validate]") {
  const Run none = validate({});
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("usage: soundings-validate") != std::string::npos);
  const Run unknown = validate({"--frobnicate", "x.json"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("unknown option --frobnicate") != std::string::npos);
  const Run dangling = validate({"x.json", "--blocks"});
  CHECK(dangling.exit_code == 2);
  const Run help = validate({"--help"});
  CHECK(help.exit_code == 0);
  const Run missing = validate({data_path("no-such-file.json")});
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("there is no such file") != std::string::npos);
}
