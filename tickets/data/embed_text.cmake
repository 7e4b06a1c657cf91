# wm_embed_text(OUT_CPP SOURCE FUNCTION): writes OUT_CPP, defining
# `std::string_view wm::tickets::FUNCTION()` that returns SOURCE's bytes. Pure CMake (no xxd);
# the file is read at configure time and CMake re-runs when it changes.
set(WM_EMBED_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/embedded_text.cpp.in)

function(wm_embed_text out_cpp source function_name)
  file(READ ${source} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR EMBED_SIZE "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # One line of the source file to a line of the array, for a reader in a debugger.
  string(REPLACE "0x0a," "0x0a,\n" EMBED_BYTES "${bytes}")
  file(RELATIVE_PATH EMBED_SOURCE ${PROJECT_SOURCE_DIR} ${source})
  set(EMBED_FUNCTION ${function_name})
  configure_file(${WM_EMBED_TEMPLATE} ${out_cpp} @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
endfunction()
