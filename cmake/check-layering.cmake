# SPDX-License-Identifier: Apache-2.0
# check-layering.cmake -- the engine layer (src/common, src/engine, src/rules and their public
# headers) must not include Kafka, libuv, protobuf-c or JSON headers: it links libc (and inih) only;
# and the production worker (src/io) must not include the demo and test harness (src/harness).
# Run as: cmake -DSRC=<source dir> -P check-layering.cmake
file(GLOB_RECURSE files ${SRC}/src/common/* ${SRC}/src/engine/* ${SRC}/src/rules/*)
list(APPEND files ${SRC}/include/slpcoder/engine.h ${SRC}/include/slpcoder/rules.h ${SRC}/include/slpcoder/cms.h)
set(bad "")
set(n 0)
foreach(f ${files})
  math(EXPR n "${n} + 1")
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(l ${lines})
    if(l MATCHES "rdkafka|[<\"/]uv\\.h|protobuf-c|pb-c\\.h|jansson|slpcoder/codec\\.h|io/|daemon/")
      string(APPEND bad "\n  ${f}: ${l}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "engine layer includes headers from layers above it:${bad}")
endif()
message(STATUS "engine layer: ${n} files, no Kafka/libuv/protobuf-c/JSON includes")

# The production worker (src/io) must not reach into the demo and test harness (src/harness:
# librdkafka's experimental mock cluster, the fault plan): slpcoder_io is what a deployment runs.
file(GLOB_RECURSE io_files ${SRC}/src/io/*)
set(bad "")
list(LENGTH io_files n_io)
foreach(f ${io_files})
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(l ${lines})
    if(l MATCHES "harness/|rdkafka_mock\\.h")
      string(APPEND bad "\n  ${f}: ${l}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "src/io (the production worker) includes the demo/test harness:${bad}")
endif()
message(STATUS "io layer: ${n_io} files, no harness or mock-cluster includes")
