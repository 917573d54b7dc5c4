// JSON text to a document for the loader: syntax errors with line and column, nesting and duplicate-field checks.
#include <set>

#include "soundings/json_bounded.h"

#include "loader_internal.h"

namespace soundings::loader {

namespace {

// A hand-written definition nests about six levels; the bound keeps anything
// recursive (parsing, printing, destroying) well clear of the stack's end.
constexpr int kMaxNesting = 64;
// Consultations are tens of kilobytes; a limit keeps a wrong file from eating a kiosk's memory.
constexpr size_t kMaxBytes = 16u * 1024u * 1024u;

struct Position {
  size_t line = 1;
  size_t column = 1;
};

// Columns count characters, not bytes, so Welsh letters earlier on a line do not shift them.
Position position_of(const std::string& text, size_t offset) {
  Position pos;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++pos.column;
    }
  }
  return pos;
}

std::string at(const Position& pos) {
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
}

// Skips a JSON string starting at the quote at `i`; returns the index after its closing quote.
size_t skip_string(const std::string& text, size_t i, std::string* contents) {
  ++i;
  while (i < text.size() && text[i] != '"') {
    if (text[i] == '\\' && i + 1 < text.size()) {
      if (contents) contents->append(text, i, 2);
      i += 2;
      continue;
    }
    if (contents) contents->push_back(text[i]);
    ++i;
  }
  return i + 1;
}

// nlohmann's parser keeps the last of two equal keys silently; an officer who wrote a
// field twice means one of them, so both places are named instead of guessing.
void find_duplicate_fields(Problems& problems, const std::string& text, const std::string& base_path) {
  struct Frame {
    bool object = false;
    bool expect_key = false;
    std::set<std::string> keys;
    std::string key;   // object: the key whose value is being read
    size_t index = 0;  // list: the item being read
  };
  std::vector<Frame> frames;
  auto path_of = [&](size_t depth) {
    std::string path = base_path;
    for (size_t f = 0; f < depth; ++f) {
      path = frames[f].object ? field(path, frames[f].key) : item(path, frames[f].index);
    }
    return path;
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      std::string contents;
      const size_t end = skip_string(text, i, &contents);
      if (!frames.empty() && frames.back().object && frames.back().expect_key) {
        Frame& frame = frames.back();
        frame.expect_key = false;
        frame.key = contents;
        if (!frame.keys.insert(contents).second) {
          problems.add(path_of(frames.size() - 1),
                       "the field " + in_quotes(contents) + " is written twice (again at " + at(position_of(text, i)) +
                           "); keep one");
        }
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') {
      Frame frame;
      frame.object = c == '{';
      frame.expect_key = frame.object;
      frames.push_back(std::move(frame));
    } else if ((c == '}' || c == ']') && !frames.empty()) {
      frames.pop_back();
    } else if (c == ',' && !frames.empty()) {
      if (frames.back().object) {
        frames.back().expect_key = true;
      } else {
        ++frames.back().index;
      }
    }
    ++i;
  }
}

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 2:
// syntax error while parsing value - invalid literal; last read: 'x'"; keep the part a person needs.
std::string plain_reason(const std::string& what) {
  std::string reason = what;
  if (auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  if (auto dash = reason.find(" - "); dash != std::string::npos) reason = reason.substr(dash + 3);
  // "last read" repeats raw bytes (perhaps not even text); the line and column already point there.
  if (auto last = reason.find("; last read"); last != std::string::npos) reason.erase(last);
  if (reason.find("ill-formed UTF-8") != std::string::npos) {
    reason = "bytes that are not UTF-8 text (save the file as UTF-8)";
  }
  return reason;
}

}  // namespace

std::optional<Json> parse_document(Problems& problems, const std::string& text, const std::string& path,
                                   const std::string& what) {
  if (text.size() > kMaxBytes) {
    problems.add(path, what + " is too large (" + std::to_string(text.size() / (1024 * 1024)) +
                           " MiB; at most 16 MiB)");
    return std::nullopt;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    problems.add(path, what + " is empty");
    return std::nullopt;
  }
  if (const size_t deep = first_too_deep(text, kMaxNesting); deep != std::string::npos) {
    problems.add(path, "invalid JSON at " + at(position_of(text, deep)) + ": nested more than " +
                           std::to_string(kMaxNesting) + " levels deep");
    return std::nullopt;
  }
  try {
    Json document = Json::parse(text);
    find_duplicate_fields(problems, text, path);
    return document;
  } catch (const Json::parse_error& error) {
    // `byte` is 1-based: the character being read when the parser gave up.
    size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    // The parser notices bad UTF-8 a byte or two late; point at the byte itself.
    if (std::string(error.what()).find("ill-formed UTF-8") != std::string::npos) {
      if (const size_t bad = first_bad_utf8(text); bad != std::string::npos) offset = bad;
    }
    problems.add(path, "invalid JSON at " + at(position_of(text, offset)) + ": " + plain_reason(error.what()));
  } catch (const Json::out_of_range& error) {
    // Only "number overflow parsing '1e999'" gets here, without a position: find the number.
    const std::string reason = error.what();
    const size_t open = reason.find('\'');
    const size_t close = reason.rfind('\'');
    if (open != std::string::npos && close > open + 1) {
      const std::string number = reason.substr(open + 1, close - open - 1);
      const size_t offset = text.find(number);
      problems.add(path, "invalid JSON" + (offset == std::string::npos ? std::string() : " at " + at(position_of(text, offset))) +
                             ": the number " + in_quotes(number) + " is too large");
    } else {
      problems.add(path, "invalid JSON: " + plain_reason(reason));
    }
  } catch (const Json::exception& error) {
    problems.add(path, "invalid JSON: " + plain_reason(error.what()));
  }
  return std::nullopt;
}

}  // namespace soundings::loader
