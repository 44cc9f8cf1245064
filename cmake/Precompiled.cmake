# Precompiled headers for the project's libraries. A clean build is what CI pays for on every
# run, and most of a file's compile time is nlohmann/json and the standard library parsed
# again; one precompiled header per library parses them once. Call
# parcours_precompiled_headers(<target> [extra headers...]).
#
# The headers are only the widely shared ones, so a file that forgets an include still fails
# in most libraries; the unit tests' binaries precompile their own (tests/unit/CMakeLists.txt).
function(parcours_precompiled_headers target)
  target_precompile_headers(${target} PRIVATE <nlohmann/json.hpp> <string> <string_view>
                            <vector> <map> <optional> <memory> <chrono> <functional> ${ARGN})
endfunction()
