# Run by `cmake --install` and CPack (install(SCRIPT) in cmake/NashInstall.cmake),
# after install(CODE) set NASH_ETC_CONFIG_SOURCE, NASH_ETC_UNIT_SOURCE,
# NASH_ETC_STAGING_DIR, NASH_ETC_SYSCONFDIR, NASH_ETC_BINDIR and NASH_ETC_UNITDIR
# (empty: no systemd unit).
#
# Installs the sample configuration as <sysconfdir>/nash-llm-server/llm_server.ini
# and the systemd unit, with GNUInstallDirs' rules for the configuration folder
# applied to the install-time prefix: a relative CMAKE_INSTALL_SYSCONFDIR is
# /etc under the prefix /usr, /etc/opt/<pkg> under /opt/<pkg>, and
# <prefix>/etc otherwise. DESTDIR applies to all of them (file(INSTALL) adds it).

function(nash_full_dir out dir)
    if(IS_ABSOLUTE "${dir}")
        set(${out} "${dir}" PARENT_SCOPE)
    else()
        set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
    endif()
endfunction()

string(REGEX REPLACE "/+$" "" _prefix "${CMAKE_INSTALL_PREFIX}")
if(IS_ABSOLUTE "${NASH_ETC_SYSCONFDIR}")
    set(_etc "${NASH_ETC_SYSCONFDIR}")
elseif(_prefix STREQUAL "/usr")
    set(_etc "/${NASH_ETC_SYSCONFDIR}")
elseif(_prefix MATCHES "^/opt/([^/]+)$")
    set(_etc "/${NASH_ETC_SYSCONFDIR}${_prefix}")
else()
    set(_etc "${_prefix}/${NASH_ETC_SYSCONFDIR}")
endif()
nash_full_dir(_bin "${NASH_ETC_BINDIR}")

file(INSTALL DESTINATION "${_etc}/nash-llm-server" TYPE FILE
    RENAME llm_server.ini
    FILES "${NASH_ETC_CONFIG_SOURCE}")

# The unit in the sources names the package's paths (/usr/bin/llm_server,
# /etc/nash-llm-server/); under another prefix it gets the installed ones.
if(NOT NASH_ETC_UNITDIR STREQUAL "")
    nash_full_dir(_unitdir "${NASH_ETC_UNITDIR}")
    file(READ "${NASH_ETC_UNIT_SOURCE}" _unit)
    string(REPLACE "/usr/bin/llm_server" "${_bin}/llm_server" _unit "${_unit}")
    string(REPLACE "/etc/nash-llm-server/" "${_etc}/nash-llm-server/" _unit "${_unit}")
    file(WRITE "${NASH_ETC_STAGING_DIR}/nash-llm-server.service" "${_unit}")
    file(INSTALL DESTINATION "${_unitdir}" TYPE FILE
        FILES "${NASH_ETC_STAGING_DIR}/nash-llm-server.service")
endif()
