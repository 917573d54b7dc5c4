// Consultation loader: walks a definition document, expands included blocks, and collects every problem.
#include "soundings/loader.h"

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loader_internal.h"

#ifndef SOUNDINGS_ASSETS_DIR
#define SOUNDINGS_ASSETS_DIR "assets"
#endif

namespace soundings {

using loader::Json;
using loader::Languages;
using loader::PageContext;
using loader::Problems;
using loader::field;
using loader::item;
using loader::kind_of;
using loader::in_quotes;

namespace {

constexpr int kFormat = 1;

// One page of the expanded definition, before it is read: from the file itself or from a block.
struct PageSource {
  const Json* json = nullptr;
  std::string path;
  std::string from_block;
  Languages languages;
};

std::vector<std::string> read_languages(Problems& problems, const Json& value, const std::string& path) {
  std::vector<std::string> languages;
  if (!value.is_array()) {
    problems.add(path, "expected a list of language codes like [\"cy\", \"en\"], found " + kind_of(value));
    return languages;
  }
  if (value.empty()) problems.add(path, "at least one language must be declared");
  for (size_t i = 0; i < value.size(); ++i) {
    auto code = loader::read_string(problems, value[i], item(path, i));
    if (!code) continue;
    const bool well_formed = code->size() >= 2 && code->size() <= 8 &&
                             std::all_of(code->begin(), code->end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || c == '-';
                             });
    if (!well_formed) {
      problems.add(item(path, i), in_quotes(*code) + " is not a language code (lower-case, like \"cy\" or \"en\")");
    } else if (std::find(languages.begin(), languages.end(), *code) != languages.end()) {
      problems.add(item(path, i), in_quotes(*code) + " is declared twice");
    } else {
      languages.push_back(*code);
    }
  }
  return languages;
}

// Checks a block document and adds its pages (none when the block cannot be used).
void expand_block(Problems& problems, const Json& block, const std::string& name, const std::string& path,
                  const std::vector<std::string>& languages, std::vector<PageSource>& pages) {
  if (!block.is_object()) {
    problems.add(path, "expected a block (an object {...}), found " + kind_of(block));
    return;
  }
  std::vector<std::string> block_languages;
  bool languages_ok = false;
  for (const auto& [key, value] : block.items()) {
    const std::string p = field(path, key);
    if (key == "format") {
      loader::read_int(problems, value, p, kFormat, kFormat);
    } else if (key == "block") {
      auto id = loader::read_string(problems, value, p);
      if (id && *id != name) {
        problems.add(p, "the block calls itself " + in_quotes(*id) + " but was included as " + in_quotes(name));
      }
    } else if (key == "languages") {
      block_languages = read_languages(problems, value, p);
      languages_ok = true;
      for (const std::string& language : languages) {
        if (std::find(block_languages.begin(), block_languages.end(), language) == block_languages.end()) {
          problems.add(p, "the block does not declare " + loader::language_name(language) +
                              ", which the consultation declares");
          languages_ok = false;
        }
      }
    } else if (key == "description") {
      loader::read_string(problems, value, p);
    } else if (key != "pages") {
      loader::unknown_field(problems, path, key, {"format", "block", "languages", "description", "pages"});
    }
  }
  loader::require_fields(problems, block, path, {"format", "block", "languages", "pages"});
  // A block missing a language would give one problem per string; the one above says it all.
  if (!languages_ok) return;
  auto it = block.find("pages");
  if (it == block.end()) return;
  const std::string pages_path = field(path, "pages");
  if (!it->is_array() || it->empty()) {
    problems.add(pages_path, "expected a list of pages, found " + (it->is_array() ? std::string("an empty list") : kind_of(*it)));
    return;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& page = (*it)[i];
    if (page.is_object() && page.contains("include")) {
      problems.add(field(item(pages_path, i), "include"), "a block cannot include another block");
      continue;
    }
    pages.push_back({&page, item(pages_path, i), name, Languages{languages, block_languages}});
  }
}

// Turns the `pages` list into the expanded list of pages, resolving `{"include": NAME}` entries.
std::vector<PageSource> expand_pages(Problems& problems, const Json& value, const std::vector<std::string>& languages,
                                     const LoadOptions& options, std::deque<Json>& blocks) {
  std::vector<PageSource> pages;
  if (!value.is_array()) {
    problems.add("pages", "expected a list of pages, found " + kind_of(value));
    return pages;
  }
  if (value.empty()) problems.add("pages", "there are no pages");
  std::map<std::string, std::string, std::less<>> included;  // block name -> where
  for (size_t i = 0; i < value.size(); ++i) {
    const Json& page = value[i];
    const std::string path = item("pages", i);
    if (!page.is_object() || !page.contains("include")) {
      pages.push_back({&page, path, "", Languages{languages, languages}});
      continue;
    }
    for (const auto& [key, unused] : page.items()) {
      if (key != "include") problems.add(field(path, key), "a page that includes a block holds only \"include\"");
    }
    const std::string include_path = field(path, "include");
    auto name = loader::read_id(problems, page["include"], include_path, loader::IdRule::Plain);
    if (!name) continue;
    if (auto it = included.find(*name); it != included.end()) {
      problems.add(include_path, "the block " + in_quotes(*name) + " is already included at " + it->second);
      continue;
    }
    included.emplace(*name, path);
    if (!options.resolve_block) {
      problems.add(include_path, "cannot include the block " + in_quotes(*name) + ": no block directory was given");
      continue;
    }
    std::optional<std::string> text;
    try {
      text = options.resolve_block(*name);
    } catch (const std::exception& error) {
      problems.add(include_path, "cannot read the block " + in_quotes(*name) + ": " + error.what());
      continue;
    }
    if (!text) {
      problems.add(include_path, "no block called " + in_quotes(*name) + " was found");
      continue;
    }
    const std::string block_path = path + " (block " + in_quotes(*name) + ")";
    auto block = loader::parse_document(problems, *text, block_path, "the block " + in_quotes(*name));
    if (!block) continue;
    blocks.push_back(std::move(*block));
    expand_block(problems, blocks.back(), *name, block_path, languages, pages);
  }
  return pages;
}

void read_page(Problems& problems, const PageSource& source, PageContext& context, Consultation& consultation,
               std::map<std::string, std::string, std::less<>>& page_ids) {
  const Json& json = *source.json;
  const std::string& path = source.path;
  if (!json.is_object()) {
    problems.add(path, "expected a page (an object with \"id\", \"title\" and \"questions\"), found " + kind_of(json));
    return;
  }
  context.languages = source.languages;
  Page page;
  page.from_block = source.from_block;
  for (const auto& [key, value] : json.items()) {
    const std::string p = field(path, key);
    if (key == "id") {
      if (auto id = loader::read_id(problems, value, p, loader::IdRule::Plain)) {
        page.id = *id;
        if (auto it = page_ids.find(*id); it != page_ids.end()) {
          problems.add(p, "duplicate page id " + in_quotes(*id) + " (also at " + it->second + ")");
        } else {
          page_ids.emplace(*id, path);
        }
      }
    } else if (key == "title") {
      page.title = loader::read_text(problems, value, p, context.languages);
    } else if (key == "intro") {
      page.intro = loader::read_text(problems, value, p, context.languages);
    } else if (key == "from_block" && source.from_block.empty()) {
      if (auto name = loader::read_string(problems, value, p)) page.from_block = *name;
    } else if (key != "questions") {
      loader::unknown_field(problems, path, key, {"id", "title", "intro", "questions", "include"});
    }
  }
  loader::require_fields(problems, json, path, {"id", "title", "questions"});
  if (auto it = json.find("questions"); it != json.end()) {
    const std::string questions_path = field(path, "questions");
    if (!it->is_array()) {
      problems.add(questions_path, "expected a list of questions, found " + kind_of(*it));
    } else if (it->empty()) {
      problems.add(questions_path, "a page needs at least one question");
    }
    for (size_t i = 0; it->is_array() && i < it->size(); ++i) {
      const std::string question_path = item(questions_path, i);
      auto question = loader::read_question(problems, (*it)[i], question_path, context);
      if (!question) continue;
      if (!question->id.empty()) {
        if (context.earlier.count(question->id) > 0) {
          problems.add(field(question_path, "id"), "duplicate question id " + in_quotes(question->id) + " (also at " +
                                                       context.all_ids.at(question->id) + ")");
        } else {
          std::vector<std::string> option_ids;
          for (const Option& option : question->options) option_ids.push_back(option.id);
          context.earlier.emplace(question->id,
                                  loader::EarlierQuestion{question->type, std::move(option_ids), question->age_source});
        }
      }
      page.questions.push_back(std::move(*question));
    }
  }
  consultation.pages.push_back(std::move(page));
}

void read_pages(Problems& problems, const Json& value, const LoadOptions& options, Consultation& consultation) {
  std::deque<Json> blocks;  // keeps block documents alive while their pages are read
  const std::vector<PageSource> sources = expand_pages(problems, value, consultation.languages, options, blocks);
  PageContext context;
  // Every question id first, so that show_if can tell "comes later" from "does not exist".
  for (const PageSource& source : sources) {
    if (!source.json->is_object()) continue;
    auto questions = source.json->find("questions");
    if (questions == source.json->end() || !questions->is_array()) continue;
    for (size_t i = 0; i < questions->size(); ++i) {
      const Json& question = (*questions)[i];
      if (!question.is_object()) continue;
      auto id = question.find("id");
      if (id != question.end() && id->is_string()) {
        context.all_ids.emplace(id->get<std::string>(), item(field(source.path, "questions"), i));
      }
    }
  }
  std::map<std::string, std::string, std::less<>> page_ids;
  for (const PageSource& source : sources) read_page(problems, source, context, consultation, page_ids);
}

std::optional<Feedback> read_feedback(Problems& problems, const Json& value, const Languages& languages) {
  if (!value.is_object()) {
    problems.add("feedback", "expected an object with \"you_said\", \"we_did\", \"how_connected\" and \"published\", "
                             "found " + kind_of(value));
    return std::nullopt;
  }
  Feedback feedback;
  for (const auto& [key, v] : value.items()) {
    const std::string p = field("feedback", key);
    if (key == "you_said") feedback.you_said = loader::read_text(problems, v, p, languages);
    else if (key == "we_did") feedback.we_did = loader::read_text(problems, v, p, languages);
    else if (key == "how_connected") feedback.how_connected = loader::read_text(problems, v, p, languages);
    else if (key == "published") feedback.published = loader::read_date(problems, v, p).value_or("");
    else loader::unknown_field(problems, "feedback", key, {"you_said", "we_did", "how_connected", "published"});
  }
  loader::require_fields(problems, value, "feedback", {"you_said", "we_did", "how_connected", "published"});
  return feedback;
}

void read_results(Problems& problems, const Json& value, const Languages& languages, Consultation& consultation) {
  if (!value.is_object()) {
    problems.add("results", "expected an object like {\"how\": {...}, \"date\": \"2027-03-15\"}, found " + kind_of(value));
    return;
  }
  for (const auto& [key, v] : value.items()) {
    const std::string p = field("results", key);
    if (key == "how") consultation.results_how = loader::read_text(problems, v, p, languages);
    else if (key == "date") consultation.results_date = loader::read_date(problems, v, p).value_or("");
    else loader::unknown_field(problems, "results", key, {"how", "date"});
  }
  loader::require_fields(problems, value, "results", {"how"});
}

// The text fields of the consultation record, in the order the model holds them.
LocalText* record_text(Consultation& c, std::string_view key) {
  if (key == "council") return &c.council;
  if (key == "title") return &c.title;
  if (key == "summary") return &c.summary;
  if (key == "purpose") return &c.purpose;
  if (key == "decision") return &c.decision;
  if (key == "decision_maker") return &c.decision_maker;
  if (key == "can_change") return &c.can_change;
  if (key == "cannot_change") return &c.cannot_change;
  if (key == "contact") return &c.contact;
  if (key == "privacy_notice") return &c.privacy_notice;
  return nullptr;
}

LoadOutcome refuse(Problems& problems) {
  LoadOutcome outcome;
  outcome.problems = problems.take();
  outcome.warnings = problems.take_warnings();
  return outcome;
}

}  // namespace

namespace {

LoadOutcome load_checked(const std::string& json_text, const LoadOptions& options) {
  Problems problems;
  auto document = loader::parse_document(problems, json_text, "", "the definition");
  if (!document) return refuse(problems);
  const Json& doc = *document;
  if (!doc.is_object()) {
    problems.add("", "expected a consultation (an object {...}), found " + kind_of(doc));
    return refuse(problems);
  }
  auto consultation = std::make_shared<Consultation>();

  // The format decides what every other field means, so a newer one is not read at all.
  if (auto it = doc.find("format"); it != doc.end()) {
    if (it->is_number_integer() && it->get<long long>() != kFormat) {
      problems.add("format", "format " + it->dump() + " is not supported; this version of Soundings reads format " +
                                 std::to_string(kFormat));
      return refuse(problems);
    }
    loader::read_int(problems, *it, "format", kFormat, kFormat);
  }
  if (auto it = doc.find("languages"); it != doc.end()) {
    consultation->languages = read_languages(problems, *it, "languages");
  }
  const Languages languages{consultation->languages, consultation->languages};

  for (const auto& [key, value] : doc.items()) {
    if (key == "format" || key == "languages") continue;
    if (LocalText* text = record_text(*consultation, key)) {
      *text = loader::read_text(problems, value, key, languages);
    } else if (key == "id") {
      consultation->id = loader::read_id(problems, value, key, loader::IdRule::Plain).value_or("");
    } else if (key == "version") {
      consultation->version = loader::read_int(problems, value, key, 1, 2147483647).value_or(0);
    } else if (key == "opens") {
      consultation->opens = loader::read_date(problems, value, key).value_or("");
    } else if (key == "closes") {
      consultation->closes = loader::read_date(problems, value, key).value_or("");
    } else if (key == "results") {
      read_results(problems, value, languages, *consultation);
    } else if (key == "feedback") {
      consultation->feedback = read_feedback(problems, value, languages);
    } else if (key == "pages") {
      read_pages(problems, value, options, *consultation);
    } else {
      loader::unknown_field(problems, "", key,
                            {"format", "id", "version", "languages", "council", "title", "summary", "purpose",
                             "decision", "decision_maker", "can_change", "cannot_change", "opens", "closes",
                             "results", "contact", "privacy_notice", "feedback", "pages"});
    }
  }
  loader::require_fields(problems, doc, "",
                         {"format", "id", "version", "languages", "title", "summary", "purpose", "decision",
                          "decision_maker", "can_change", "cannot_change", "opens", "closes", "results",
                          "contact", "privacy_notice", "pages"});

  const Consultation& c = *consultation;
  if (!c.opens.empty() && !c.closes.empty() && c.closes < c.opens) {
    problems.add("closes", "the consultation closes (" + c.closes + ") before it opens (" + c.opens + ")");
  }
  if (!c.results_date.empty() && !c.closes.empty() && c.results_date < c.closes) {
    problems.add("results.date", "results are to be published (" + c.results_date +
                                     ") before the consultation closes (" + c.closes + ")");
  }
  if (problems.count() > 0) return refuse(problems);

  consultation->canonical_json = loader::canonical_json(*consultation);
  LoadOutcome outcome;
  outcome.consultation = std::move(consultation);
  outcome.warnings = problems.take_warnings();
  return outcome;
}

}  // namespace

LoadOutcome load_consultation(const std::string& json_text, const LoadOptions& options) {
  // Problems are values; an exception here would be a bug, and it still must not take a kiosk down.
  try {
    return load_checked(json_text, options);
  } catch (const std::exception& error) {
    LoadOutcome outcome;
    outcome.problems.push_back({"", std::string("internal error while checking the definition: ") + error.what()});
    return outcome;
  }
}

LoadOutcome load_consultation_file(const std::string& path, const LoadOptions& options) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  LoadOutcome outcome;
  if (error || !std::filesystem::exists(status)) {
    outcome.problems.push_back({"", "cannot read " + in_quotes(path) + ": there is no such file"});
    return outcome;
  }
  if (!std::filesystem::is_regular_file(status)) {
    outcome.problems.push_back({"", "cannot read " + in_quotes(path) + ": it is not a file"});
    return outcome;
  }
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > 16u * 1024u * 1024u) {
    outcome.problems.push_back({"", in_quotes(path) + " is too large for a consultation (at most 16 MiB)"});
    return outcome;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    outcome.problems.push_back({"", "cannot read " + in_quotes(path)});
    return outcome;
  }
  return load_consultation(text.str(), options);
}

BlockResolver blocks_from_directory(std::string directory) {
  return [directory = std::move(directory)](const std::string& name) -> std::optional<std::string> {
    // Names come from definition files; keep them from reaching outside the directory.
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
        name.front() == '.') {
      return std::nullopt;
    }
    const std::filesystem::path file = std::filesystem::path(directory) / (name + ".json");
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
}

std::string default_blocks_directory() {
  if (const char* assets = std::getenv("SOUNDINGS_ASSETS"); assets != nullptr && *assets != '\0') {
    return std::string(assets) + "/blocks";
  }
  return std::string(SOUNDINGS_ASSETS_DIR) + "/blocks";
}

}  // namespace soundings
