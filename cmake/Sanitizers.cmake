# One switch for the whole tree: every target, libraries included, is instrumented alike.
if(PARCOURS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing: every target gets coverage instrumentation and ASan/UBSan; the fuzz executables link
# libFuzzer's main (tests/fuzz).
if(PARCOURS_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
