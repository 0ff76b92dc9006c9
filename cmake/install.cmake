# SPDX-License-Identifier: Apache-2.0
# install.cmake -- what `cmake --install` lays down (GNUInstallDirs), beyond the programs
# (slpcoder_add_program) and the bundle (share/slpcoder/rules, next to the engine section):
#   etc/slpcoder/slpcoderd.conf.example, man pages slpcoder(1) and
#   slpcoderd(8) generated from the programs' own --help tables at build time.

# /etc when the prefix is /usr, <prefix>/etc otherwise (GNUInstallDirs' FULL_ form).
install(FILES ${CMAKE_SOURCE_DIR}/config/slpcoderd.conf.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/slpcoder)

# The systemd unit comes from the operations work. Its template systemd/slpcoderd@.service.in is
# configured and installed by that section of CMakeLists.txt (SLPCODER_SYSTEMD_UNITDIR, under the
# prefix unless absolute; a Debian package build passes /lib/systemd/system, see package.cmake);
# a plain systemd/slpcoderd@.service, if one is ever committed instead, is installed here.
if(EXISTS ${CMAKE_SOURCE_DIR}/systemd/slpcoderd@.service
   AND NOT EXISTS ${CMAKE_SOURCE_DIR}/systemd/slpcoderd@.service.in)
  if(NOT DEFINED SLPCODER_SYSTEMD_UNITDIR)
    set(SLPCODER_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING "where the systemd unit goes")
  endif()
  install(FILES ${CMAKE_SOURCE_DIR}/systemd/slpcoderd@.service DESTINATION ${SLPCODER_SYSTEMD_UNITDIR})
endif()

# Man pages: each program prints its own page (slpcoder --help=man, slpcoderd --help-config=man)
# from the tables behind --help. (A cross build cannot run them: configure with
# -DSLPCODER_MAN=OFF there.)
option(SLPCODER_MAN "Generate and install the man pages (runs the built programs)" ON)
if(SLPCODER_MAN)
  set(SLPCODER_MAN_DIR ${CMAKE_BINARY_DIR}/man)
  set(SLPCODER_MAN_PAGES)
  foreach(page "slpcoder;1;--help=man" "slpcoderd;8;--help-config=man")
    list(GET page 0 prog)
    list(GET page 1 section)
    list(GET page 2 flag)
    set(out ${SLPCODER_MAN_DIR}/${prog}.${section}.gz)
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${SLPCODER_MAN_DIR}
      COMMAND ${CMAKE_COMMAND} -DPROG=$<TARGET_FILE:${prog}> -DARG=${flag} -DOUT=${out} -DGZIP=ON
              -P ${CMAKE_SOURCE_DIR}/cmake/gen-doc.cmake
      DEPENDS ${prog} ${CMAKE_SOURCE_DIR}/cmake/gen-doc.cmake
      COMMENT "man page ${prog}(${section}) from ${prog} ${flag}")
    list(APPEND SLPCODER_MAN_PAGES ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(slpcoder_man ALL DEPENDS ${SLPCODER_MAN_PAGES})
endif()
