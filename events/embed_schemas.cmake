# Writes a C++ file holding every events/schemas/*.json as (file name, text) pairs.
# Invoked as: cmake -DSCHEMA_DIR=... -DOUT=... -P embed_schemas.cmake
file(GLOB files RELATIVE "${SCHEMA_DIR}" "${SCHEMA_DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  file(READ "${SCHEMA_DIR}/${f}" text)
  string(APPEND body "      {\"${f}\", R\"schema(${text})schema\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from events/schemas by events/embed_schemas.cmake. Do not edit.
#include \"events/schema_catalog.h\"

namespace parcours::events {

const std::vector<std::pair<std::string, std::string>>& embedded_schema_files() {
  static const std::vector<std::pair<std::string, std::string>> files = {
${body}  };
  return files;
}

}  // namespace parcours::events
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
