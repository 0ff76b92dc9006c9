# SPDX-License-Identifier: Apache-2.0
# gen-doc.cmake -- run one of the built programs in its documentation mode and keep its
# output (the man pages are the programs' own --help tables, so they cannot drift).
# Run as: cmake -DPROG=<exe> -DARG=<flag> -DOUT=<file> [-DGZIP=ON] -P gen-doc.cmake
execute_process(COMMAND ${PROG} ${ARG} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${PROG} ${ARG} exited ${rc}")
endif()
if(GZIP)
  # -n: no name or time stamp in the header, so the package is reproducible.
  find_program(GZIP_EXE gzip REQUIRED)
  execute_process(COMMAND ${GZIP_EXE} -9 -n -c ${OUT}.tmp OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
  file(REMOVE ${OUT}.tmp)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${OUT} failed (${rc})")
  endif()
else()
  file(RENAME ${OUT}.tmp ${OUT})
endif()
