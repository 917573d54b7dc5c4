// Imports consultation files into the store and reads the store's consultations back for the kiosk.
#include "ui/catalogue.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "soundings/loader.h"

namespace soundings::kiosk {

namespace {

std::vector<std::string> describe_all(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (const Problem& p : problems) out.push_back(describe(p));
  return out;
}

LocalText local_text_from(const nlohmann::json& value) {
  LocalText text;
  if (!value.is_object()) return text;
  for (const auto& [language, words] : value.items())
    if (words.is_string()) text.by_language[language] = words.get<std::string>();
  return text;
}

}  // namespace

std::vector<CatalogueEntry> import_consultation_files(Store& store, const std::string& directory,
                                                      const std::string& blocks_directory) {
  namespace fs = std::filesystem;
  std::vector<CatalogueEntry> refused;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  if (ec) {
    CatalogueEntry entry;
    entry.source = directory;
    entry.problems.push_back(directory + ": cannot read the folder (" + ec.message() + ")");
    refused.push_back(std::move(entry));
    return refused;
  }
  std::sort(files.begin(), files.end());

  LoadOptions options;
  options.resolve_block = blocks_from_directory(blocks_directory);
  for (const fs::path& file : files) {
    LoadOutcome outcome = load_consultation_file(file.string(), options);
    CatalogueEntry entry;
    entry.source = file.filename().string();
    if (!outcome.ok()) {
      entry.problems = describe_all(outcome.problems);
      refused.push_back(std::move(entry));
      continue;
    }
    const Consultation& c = *outcome.consultation;
    if (Status put = store.put_consultation(c.id, c.version, c.canonical_json); !put) {
      entry.id = c.id;
      entry.version = c.version;
      entry.problems.push_back(put.error().message);
      refused.push_back(std::move(entry));
    }
  }
  return refused;
}

std::optional<Feedback> parse_feedback(const std::string& json_text) {
  if (json_text.empty()) return std::nullopt;
  nlohmann::json value = nlohmann::json::parse(json_text, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  Feedback feedback;
  feedback.you_said = local_text_from(value.value("you_said", nlohmann::json()));
  feedback.we_did = local_text_from(value.value("we_did", nlohmann::json()));
  feedback.how_connected = local_text_from(value.value("how_connected", nlohmann::json()));
  if (auto it = value.find("published"); it != value.end() && it->is_string()) feedback.published = it->get<std::string>();
  if (feedback.you_said.empty() || feedback.we_did.empty()) return std::nullopt;
  return feedback;
}

Result<Catalogue> read_catalogue(Store& store) {
  Catalogue catalogue;
  auto cached_consultations = store.latest_consultations();
  if (!cached_consultations) return cached_consultations.error();
  for (const CachedConsultation& cached : *cached_consultations) {
    CatalogueEntry entry;
    entry.id = cached.id;
    entry.version = cached.version;
    entry.source = "store";
    entry.offered = cached.offered;
    LoadOutcome outcome = load_consultation(cached.definition_json);
    if (outcome.ok()) {
      entry.consultation = outcome.consultation;
      entry.feedback = parse_feedback(cached.feedback_json);
      if (!entry.feedback) entry.feedback = entry.consultation->feedback;
    } else {
      entry.problems = describe_all(outcome.problems);
    }
    catalogue.entries.push_back(std::move(entry));
  }
  std::sort(catalogue.entries.begin(), catalogue.entries.end(),
            [](const CatalogueEntry& a, const CatalogueEntry& b) { return a.id < b.id; });
  return catalogue;
}

bool is_open_on(const CatalogueEntry& entry, const std::string& today) {
  if (!entry.consultation || !entry.offered) return false;
  const Consultation& c = *entry.consultation;
  return (c.opens.empty() || c.opens <= today) && (c.closes.empty() || today <= c.closes);
}

bool is_upcoming_on(const CatalogueEntry& entry, const std::string& today) {
  return entry.consultation && entry.offered && !entry.consultation->opens.empty() && today < entry.consultation->opens;
}

const CatalogueEntry* showing_feedback(const AppState& state, size_t& count) {
  std::vector<const CatalogueEntry*> with;
  for (const CatalogueEntry& e : state.catalogue.entries)
    if (e.consultation && e.feedback) with.push_back(&e);
  count = with.size();
  if (with.empty()) return nullptr;
  return with[state.feedback_index % with.size()];
}

}  // namespace soundings::kiosk
