// soundings-validate: checks consultation definition files and prints every problem found.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "soundings/loader.h"

namespace {

constexpr const char* kUsage =
    "usage: soundings-validate [--blocks DIR] FILE...\n"
    "\n"
    "Checks consultation definition files (shared/FORMAT.md) and prints every problem\n"
    "found in each, or a one-line summary of a file that is fine. Blocks named by\n"
    "{\"include\": NAME} are read from DIR/NAME.json (default: the assets' blocks folder,\n"
    "or $SOUNDINGS_ASSETS/blocks).\n"
    "\n"
    "Exit status: 0 when every file is valid, 1 when any is not, 2 for a usage error.\n";

// Problems come from arbitrary files: control characters are shown as '?' so that a
// broken file cannot move the cursor or ring the bell on an officer's terminal.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\t') || u == 0x7F ? '?' : c;
  }
  return out;
}

std::string summary(const std::string& file, const soundings::Consultation& c) {
  std::string languages;
  for (const std::string& language : c.languages) languages += (languages.empty() ? "" : ", ") + language;
  const size_t pages = c.pages.size();
  const size_t questions = c.question_count();
  return "ok  " + c.id + " v" + std::to_string(c.version) + ": " + std::to_string(c.languages.size()) +
         (c.languages.size() == 1 ? " language (" : " languages (") + languages + "), " + std::to_string(pages) +
         (pages == 1 ? " page, " : " pages, ") + std::to_string(questions) + (questions == 1 ? " question" : " questions") + " (" + file + ")";
}

int run(const std::vector<std::string>& args) {
  std::string blocks = soundings::default_blocks_directory();
  std::vector<std::string> files;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!options_done && (arg == "-h" || arg == "--help")) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && arg == "--blocks") {
      if (i + 1 >= args.size()) {
        std::fputs("soundings-validate: --blocks needs a directory\n", stderr);
        return 2;
      }
      blocks = args[++i];
    } else if (!options_done && arg.rfind("--blocks=", 0) == 0) {
      blocks = arg.substr(9);
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "soundings-validate: unknown option %s\n\n%s", printable(arg).c_str(), kUsage);
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  soundings::LoadOptions options;
  options.resolve_block = soundings::blocks_from_directory(blocks);
  int invalid = 0;
  for (const std::string& file : files) {
    const soundings::LoadOutcome outcome = soundings::load_consultation_file(file, options);
    // Warnings go with the file's verdict, so that an officer reads them whether or not it loads.
    const auto print_warnings = [&] {
      for (const soundings::Problem& warning : outcome.warnings) {
        std::printf("  warning: %s\n", printable(soundings::describe(warning)).c_str());
      }
    };
    if (outcome.ok()) {
      std::printf("%s\n", printable(summary(file, *outcome.consultation)).c_str());
      print_warnings();
      continue;
    }
    ++invalid;
    const size_t count = outcome.problems.size();
    std::printf("FAIL  %s: %zu problem%s\n", printable(file).c_str(), count, count == 1 ? "" : "s");
    bool about_blocks = false;
    for (const soundings::Problem& problem : outcome.problems) {
      std::printf("  %s\n", printable(soundings::describe(problem)).c_str());
      about_blocks = about_blocks || problem.message.rfind("no block called", 0) == 0;
    }
    print_warnings();
    if (about_blocks) std::printf("  (blocks are read from %s; use --blocks DIR to choose)\n", printable(blocks).c_str());
  }
  if (files.size() > 1) {
    std::printf("%zu of %zu file%s valid\n", files.size() - static_cast<size_t>(invalid), files.size(),
                files.size() == 1 ? "" : "s");
  }
  std::fflush(stdout);
  return invalid == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& error) {
    // The loader reports problems as values; reaching here is a bug, but an officer still gets a line, not a core dump.
    std::fprintf(stderr, "soundings-validate: internal error: %s\n", error.what());
    return 3;
  }
}
