# CPack: `cpack -G DEB` in the build folder makes nash-llm-server_<version>_<arch>.deb,
# a package that installs under /usr with its configuration in /etc, creates the
# service user and enables the systemd unit (see etc/debian/).

set(NASH_PACKAGE_MAINTAINER "nash-llm-server maintainers <maintainers@nash-llm-server.invalid>" CACHE STRING
    "The Maintainer field of the .deb (\"Name <address>\")")

# The Debian package of a Poco library is its soname's name in lower case
# followed by the soname's version (libPocoFoundation.so.80: libpocofoundation80).
# These are the Poco libraries the server and its plugins link (NetSSL's
# package brings libpococrypto80, which no binary here needs by itself).
# NetSSL is found in sdk/upstream; its imported target is not visible here.
find_package(Poco QUIET COMPONENTS NetSSL)
set(NASH_DEB_POCO_PACKAGES "")
foreach(_component Foundation Net JSON Util NetSSL)
    if(NOT TARGET Poco::${_component})
        continue()
    endif()
    get_target_property(_configs Poco::${_component} IMPORTED_CONFIGURATIONS)
    set(_soname "")
    foreach(_config ${_configs})
        get_target_property(_soname Poco::${_component} IMPORTED_SONAME_${_config})
        if(_soname)
            break()
        endif()
    endforeach()
    if(_soname MATCHES "^lib(.+)\\.so\\.([0-9]+)$")
        string(TOLOWER "lib${CMAKE_MATCH_1}${CMAKE_MATCH_2}" _package)
        list(APPEND NASH_DEB_POCO_PACKAGES ${_package})
    endif()
endforeach()

set(CPACK_PACKAGE_NAME nash-llm-server)
set(CPACK_PACKAGE_VENDOR nash-llm-server)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${NASH_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local gateway between chat clients and large language models")
set(CPACK_GENERATOR DEB)
# The package holds binaries without debug information (`cmake --install
# --strip` does the same for an install by hand).
set(CPACK_STRIP_FILES ON)

# The configuration goes to /etc, outside the /usr prefix, so the package is
# staged with DESTDIR and the real prefix (cmake/NashInstallEtc.cmake maps
# the prefix /usr to /etc the way GNUInstallDirs does).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_PACKAGE_NAME nash-llm-server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The summary above is the Description's first line; this is the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "A server that streams the answers of model backends (OpenAI-compatible
servers, Anthropic, Ollama, or plugins of your own) to chat clients as
server-sent events, summarizes long conversations and offers the tools of MCP
servers over plain HTTP. The package runs it as the systemd service
nash-llm-server and holds the SDK (headers and a CMake package) to build
backend plugins for it.")

# postinst creates the service user with adduser. With dpkg-shlibdeps (the
# dpkg-dev package) the libraries' packages, the Poco ones among them, are
# read from the binaries with the versions they need; without it the Poco
# packages are listed here.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
find_program(NASH_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(NASH_DPKG_SHLIBDEPS)
if(NASH_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
    foreach(_package ${NASH_DEB_POCO_PACKAGES} libstdc++6 libgcc-s1 libc6)
        string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${_package}")
    endforeach()
endif()
# Building a plugin against the installed SDK takes Poco's headers and a compiler.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libpoco-dev, cmake, g++")

# The maintainer scripts, and the configuration as a conffile: dpkg keeps an
# administrator's changes to it on upgrade and removes it only on purge.
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/nash-llm-server/llm_server.ini\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/etc/debian/postinst
    ${PROJECT_SOURCE_DIR}/etc/debian/prerm
    ${PROJECT_SOURCE_DIR}/etc/debian/postrm
    ${PROJECT_BINARY_DIR}/packaging/conffiles)
# Scripts 0755, other control files 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
