# Build step: turns the UI string files (assets/strings/*.json) into a C++ source file,
# so that the programs cannot start with their interface text missing.
# Called as: cmake -DOUTPUT=file.cpp -DINPUTS="a.json;b.json" -P EmbedStrings.cmake
set(body "// Generated from assets/strings by cmake/EmbedStrings.cmake; do not edit.\n")
string(APPEND body "#include <string_view>\n#include <vector>\nnamespace soundings::detail {\n")
string(APPEND body "const std::vector<std::string_view>& ui_string_documents() {\n")
string(APPEND body "  static const std::vector<std::string_view> documents = {\n")
foreach(input IN LISTS INPUTS)
  file(READ "${input}" content)
  string(APPEND body "    R\"soundings_json(${content})soundings_json\",\n")
endforeach()
string(APPEND body "  };\n  return documents;\n}\n}  // namespace soundings::detail\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
