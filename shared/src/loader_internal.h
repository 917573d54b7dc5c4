// Pieces shared by the consultation loader's files: problem list, JSON paths, field readers.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "soundings/consultation.h"
#include "soundings/result.h"

namespace soundings::loader {

// Ordered so that fields are visited, and problems reported, in document order.
using Json = nlohmann::ordered_json;

class Problems {
 public:
  void add(std::string path, std::string message) { list_.push_back({std::move(path), std::move(message)}); }
  // Something the council should look at that does not stop the definition loading.
  void warn(std::string path, std::string message) { warnings_.push_back({std::move(path), std::move(message)}); }
  size_t count() const { return list_.size(); }
  std::vector<Problem> take() { return std::move(list_); }
  std::vector<Problem> take_warnings() { return std::move(warnings_); }

 private:
  std::vector<Problem> list_;
  std::vector<Problem> warnings_;
};

// JSON paths: field("pages[1]", "title") -> "pages[1].title"; item("pages", 1) -> "pages[1]".
std::string field(const std::string& path, std::string_view name);
std::string item(const std::string& path, size_t index);

// "a number", "text in quotes", "a list", ... for "expected X, found Y" messages.
std::string kind_of(const Json& value);
std::string in_quotes(std::string_view text);

// The candidate nearest to `word` by edit distance, or empty when none is close enough.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// Reports `name` as an unknown field of the object at `path`, suggesting the nearest known one.
void unknown_field(Problems& problems, const std::string& path, const std::string& name,
                   std::initializer_list<std::string_view> known);

// Records "missing ..." for each required field absent from `object`.
void require_fields(Problems& problems, const Json& object, const std::string& path,
                    std::initializer_list<std::string_view> required);

// Each reader records a problem at `path` and returns nullopt when the value is wrong.
std::optional<std::string> read_string(Problems& problems, const Json& value, const std::string& path);
std::optional<int> read_int(Problems& problems, const Json& value, const std::string& path, long long min,
                            long long max);
std::optional<double> read_number(Problems& problems, const Json& value, const std::string& path);
std::optional<bool> read_bool(Problems& problems, const Json& value, const std::string& path);
// "YYYY-MM-DD" naming a real calendar date.
std::optional<std::string> read_date(Problems& problems, const Json& value, const std::string& path);
bool is_real_date(std::string_view text);

// An id: `kind` names it in messages ("question id"). Question ids must also work
// inside show_if expressions, so they start with a letter and avoid its keywords.
enum class IdRule { Plain, Question };
std::optional<std::string> read_id(Problems& problems, const Json& value, const std::string& path, IdRule rule);

// Which languages a string must hold and which it may hold (a block may declare more).
struct Languages {
  std::vector<std::string> required;
  std::vector<std::string> allowed;
};

// Resident-visible text: an object with every required language, each non-blank.
// Only the required languages are kept, so the definition holds exactly what it declares.
LocalText read_text(Problems& problems, const Json& value, const std::string& path, const Languages& languages);

// Language names for messages: "Welsh (cy)".
std::string language_name(std::string_view code);

// What show_if checks need to know of a question that came earlier.
struct EarlierQuestion {
  QuestionType type;
  std::vector<std::string> options;
  bool age_source = false;
};

// State shared while walking one consultation's pages in order.
struct PageContext {
  Languages languages;
  std::map<std::string, EarlierQuestion, std::less<>> earlier;  // questions before the current one
  std::map<std::string, std::string, std::less<>> all_ids;      // every question id -> path of its first use
};

// Reads one question at `path`, including its show_if against the questions before it;
// nullopt when it is not even an object.
std::optional<Question> read_question(Problems& problems, const Json& value, const std::string& path,
                                      const PageContext& context);

// The expanded definition as canonical JSON (no includes left).
std::string canonical_json(const Consultation& consultation);

// Parses JSON text, naming the line and column of a syntax error; also refuses deep
// nesting and a field written twice in one object. `what` names the text in messages
// ("the definition", "block \"x\""); problems are placed at `path`.
std::optional<Json> parse_document(Problems& problems, const std::string& text, const std::string& path,
                                   const std::string& what);

}  // namespace soundings::loader
