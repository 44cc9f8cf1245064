# Warnings are errors for the project's own targets. Call parcours_warnings(<target>).
function(parcours_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
    -Woverloaded-virtual -Wimplicit-fallthrough
    -Wno-maybe-uninitialized)
endfunction()
