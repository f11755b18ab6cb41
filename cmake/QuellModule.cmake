# quell_module(NAME SOURCES ... LINKS ... [PRIVATE ...])
#   One static library per module, quell_<NAME>. LINKS names the Quell modules
#   (without prefix) its row in DESIGN.md allows and nothing else, so the link
#   graph enforces the architecture; PRIVATE names external libraries used only
#   inside the module's .cc files.
function(quell_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LINKS;PUBLIC_DEPS;PRIVATE" ${ARGN})
  add_library(quell_${name} STATIC ${M_SOURCES})
  target_include_directories(quell_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  set(mods)
  foreach(m IN LISTS M_LINKS)
    list(APPEND mods quell_${m})
  endforeach()
  target_link_libraries(quell_${name} PUBLIC ${mods} ${M_PUBLIC_DEPS} PRIVATE ${M_PRIVATE})
endfunction()

# quell_test(MODULE SOURCES ... [LINKS ...] [TIMEOUT s] [LABELS ...])
#   One GoogleTest binary per module: tests/<module> -> <module>_test. Each test
#   case becomes a CTest test with its own timeout.
function(quell_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LINKS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name}_test ${T_SOURCES})
  set(mods)
  foreach(m IN LISTS T_LINKS)
    list(APPEND mods quell_${m})
  endforeach()
  target_link_libraries(${name}_test PRIVATE ${mods} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name}_test PRIVATE
    QUELL_SOURCE_DIR="${PROJECT_SOURCE_DIR}" QUELL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name}_test
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${name};${T_LABELS}")
endfunction()
