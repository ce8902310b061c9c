# nash_add_plugin(<name> SOURCES <files...> [OUTPUT_DIRECTORY <dir>])
#
# Builds a server plugin as a loadable module named exactly <name> plus the
# platform's shared-library suffix (echo.so, echo.dll), which is the file name
# the server derives from "plugin = <name>" in its configuration.
#
# A plugin built into the server's plugin folder (no OUTPUT_DIRECTORY) is a
# part of the server and is installed with it, into the folder the installed
# binary searches by default; a plugin with an OUTPUT_DIRECTORY of its own (the
# test-only ones) is not installed. cmake/NashLlmServerSDKPlugin.cmake.in is
# the installed counterpart of this function for plugins built out of tree.
function(nash_add_plugin name)
    cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
    set(_install ON)
    if(ARG_OUTPUT_DIRECTORY)
        set(_install OFF)
    else()
        set(ARG_OUTPUT_DIRECTORY ${NASH_PLUGIN_DIR})
    endif()
    add_library(${name} MODULE ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE NashSdk)
    set_target_properties(${name} PROPERTIES
        PREFIX ""
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
        RUNTIME_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
    if(_install)
        # A module is a LIBRARY artifact on every platform, the .dll included.
        install(TARGETS ${name} LIBRARY DESTINATION ${NASH_INSTALL_PLUGINDIR} COMPONENT Runtime)
        # The packaging test checks that every installed plugin is in the package.
        set_property(GLOBAL APPEND PROPERTY NASH_INSTALLED_PLUGINS ${name})
        if(TARGET nash_server)
            add_dependencies(nash_server ${name})
        endif()
    endif()
endfunction()
