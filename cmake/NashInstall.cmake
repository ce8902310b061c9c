# What installs beside the targets (whose install() rules live with them): the
# sample configuration and the systemd unit.
#
# Layout under the prefix (the server's built-in defaults depend on it):
#   bin/llm_server, bin/mcp_demo_server, bin/client_example
#   lib/nash-llm-server/plugins/<name>.so    (../lib/nash-llm-server/plugins from bin/)
#   <sysconfdir>/nash-llm-server/llm_server.ini
#   lib/systemd/system/nash-llm-server.service
#   include/Nash, include/NashUpstream, <libdir>/cmake/NashLlmServerSDK (the SDK)

# systemd exists on Linux only; elsewhere an empty folder installs no unit.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(_default_unit_dir lib/systemd/system)
else()
    set(_default_unit_dir "")
endif()
set(NASH_INSTALL_SYSTEMDUNITDIR "${_default_unit_dir}" CACHE STRING
    "Folder of the systemd unit, relative to the prefix (systemd searches /usr/lib/systemd/system and /usr/local/lib/systemd/system) or absolute; empty: no unit")

# The configuration and the unit are installed by a script, at install time:
# where they go, and the paths written into the unit, depend on the prefix,
# and the prefix of `cmake --install --prefix` and of CPack is known only then
# (GNUInstallDirs applies its /usr -> /etc rule to the prefix known when
# configuring, which is neither).
install(CODE "
    set(NASH_ETC_CONFIG_SOURCE \"${PROJECT_SOURCE_DIR}/etc/llm_server.ini\")
    set(NASH_ETC_UNIT_SOURCE \"${PROJECT_SOURCE_DIR}/etc/nash-llm-server.service\")
    set(NASH_ETC_STAGING_DIR \"${PROJECT_BINARY_DIR}/install-staging\")
    set(NASH_ETC_SYSCONFDIR \"${CMAKE_INSTALL_SYSCONFDIR}\")
    set(NASH_ETC_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    set(NASH_ETC_UNITDIR \"${NASH_INSTALL_SYSTEMDUNITDIR}\")
" COMPONENT Runtime)
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/NashInstallEtc.cmake COMPONENT Runtime)
