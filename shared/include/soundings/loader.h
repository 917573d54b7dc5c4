// Loads and validates consultation definitions: an immutable definition, or every problem found.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "soundings/consultation.h"
#include "soundings/result.h"

namespace soundings {

// Finds the JSON text of a reusable block (e.g. "equality-wales") by name.
using BlockResolver = std::function<std::optional<std::string>(const std::string& name)>;

// Resolves blocks from `<directory>/<name>.json`.
BlockResolver blocks_from_directory(std::string directory);

struct LoadOptions {
  BlockResolver resolve_block;  // empty: a definition that includes a block is refused
};

struct LoadOutcome {
  ConsultationPtr consultation;   // set only when `problems` is empty
  std::vector<Problem> problems;  // every problem found, in document order
  std::vector<Problem> warnings;  // things to look at that do not stop it loading (e.g. an equality
                                  // question on gender identity open to children), in document order
  bool ok() const { return consultation != nullptr; }
};

LoadOutcome load_consultation(const std::string& json_text, const LoadOptions& options = {});

// Reads the file first; an unreadable file is one problem with an empty path.
LoadOutcome load_consultation_file(const std::string& path, const LoadOptions& options = {});

// The default block directory: $SOUNDINGS_ASSETS/blocks, else the build's assets/blocks.
std::string default_blocks_directory();

}  // namespace soundings
