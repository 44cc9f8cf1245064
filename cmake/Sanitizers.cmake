# One switch for the whole tree: every target, libraries included, is instrumented alike.
if(PARCOURS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
