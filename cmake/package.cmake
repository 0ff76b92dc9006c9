# SPDX-License-Identifier: Apache-2.0
# package.cmake -- the Debian package: `cpack -G DEB` in a build tree gives
# slpcoder_<version>_<arch>.deb with shlibdeps Depends, the unit (once it exists), the system
# user (packaging/debian/postinst) and /etc's files as conffiles.
#
# A package build is configured as a packager would:
#   CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
#   LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
#     -DSLPCODER_SYSTEMD_UNITDIR=$(pkg-config --variable=systemdsystemunitdir systemd)
#   cmake --build build-deb -j2 && (cd build-deb && cpack -G DEB)
# (the prefix is compiled in as the bundle's fallback location, so it is set at configure time;
# tests/package/deb.sh does exactly this).

set(SLPCODER_ETC_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/slpcoder)
set(SLPCODER_DEB_DIR ${CMAKE_BINARY_DIR}/debian-control)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slpcoder)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The slpcoder authors")
set(CPACK_PACKAGE_CONTACT "slpcoder maintainers <slpcoder@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "speech therapy session coding worker for Kafka")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "slpcoderd reads documented speech therapy sessions (protobuf) from Kafka and
writes a coded claim (CPT codes, units, modifiers, diagnosis pointers, charges)
or a rejection naming every failed payer or Medicare check, or a dead-letter
record for input it cannot read. Coding is deterministic; many instances share
the work as one consumer group, at-least-once or exactly-once.
.
slpcoder is the one-shot command line: code one session, check a rules bundle,
generate synthetic sessions.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # slpcoder_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser") # postinst
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Maintainer scripts and conffiles.
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/conffiles.in ${SLPCODER_DEB_DIR}/conffiles @ONLY)
file(COPY ${CMAKE_SOURCE_DIR}/packaging/debian/postinst ${CMAKE_SOURCE_DIR}/packaging/debian/postrm
     DESTINATION ${SLPCODER_DEB_DIR})
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${SLPCODER_DEB_DIR}/conffiles ${SLPCODER_DEB_DIR}/postinst ${SLPCODER_DEB_DIR}/postrm)

# /usr/share/doc/slpcoder: copyright (Debian's machine-readable format) and changelog.gz.
string(TIMESTAMP SLPCODER_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/copyright.in ${SLPCODER_DEB_DIR}/copyright @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in ${SLPCODER_DEB_DIR}/changelog @ONLY)
add_custom_command(
  OUTPUT ${SLPCODER_DEB_DIR}/changelog.gz
  COMMAND gzip -9 -n -c ${SLPCODER_DEB_DIR}/changelog > ${SLPCODER_DEB_DIR}/changelog.gz
  DEPENDS ${SLPCODER_DEB_DIR}/changelog
  COMMENT "changelog.gz for the Debian package")
add_custom_target(slpcoder_deb_doc ALL DEPENDS ${SLPCODER_DEB_DIR}/changelog.gz)
install(FILES ${SLPCODER_DEB_DIR}/copyright ${SLPCODER_DEB_DIR}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(CPack)

# The package test: a packager's build of this source tree, the .deb unpacked and run, lintian.
# Not under the sanitizers (it builds its own tree; the asan preset would only repeat it).
if(NOT SLPCODER_SANITIZE)
  slpcoder_add_script_tests(package RUN_SERIAL TRUE TIMEOUT 900)
endif()
