# readme_example.cmake: extracts the C example from README.md (the block
# after the line "<!-- example: api -->"), compiles it against the library
# and checks that it prints what the README shows after "<!-- output: api -->".
file(READ ${SRC}/README.md readme)
string(REGEX MATCH "<!-- example: api -->[^`]*```c\n(.*)" m "${readme}")
if(NOT m)
  message(FATAL_ERROR "README.md has no '<!-- example: api -->' C block")
endif()
string(FIND "${CMAKE_MATCH_1}" "```" end)
string(SUBSTRING "${CMAKE_MATCH_1}" 0 ${end} code)
file(WRITE ${BIN}/readme_example.c "${code}")
string(REGEX MATCH "<!-- output: api -->[^`]*```\n([^`]*)```" m2 "${readme}")
set(expected "${CMAKE_MATCH_1}")
get_filename_component(libdir ${LIB} DIRECTORY)
set(san_flags "")
if(SAN)
  set(san_flags -fsanitize=${SAN})
endif()
execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror ${san_flags} -I${SRC}/src/include
                        ${BIN}/readme_example.c -L${libdir} -ltranslit
                        -Wl,-rpath,${libdir} -o ${BIN}/readme_example
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "README example does not compile:\n${err}")
endif()
execute_process(COMMAND ${BIN}/readme_example RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc)
  message(FATAL_ERROR "README example exited with ${rc}")
endif()
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "README example printed:\n${out}\nREADME says:\n${expected}")
endif()
