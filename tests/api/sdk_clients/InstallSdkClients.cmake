# cmake -DSOURCE=<this folder> -DDEST=<folder in the build tree> -P InstallSdkClients.cmake
#
# The ctest fixture of the SDK client tests: installs exactly the locked
# versions with `npm ci` into DEST, again only when the lockfile changed.
# Where npm is missing or the registry unreachable it prints SKIPPED (ctest
# then reports this test and the tests that need it as skipped, never as
# passed) and leaves DEST/UNAVAILABLE with the reason for the scripts.
set(_lock ${SOURCE}/package-lock.json)
set(_installed ${DEST}/node_modules/.package-lock.json)
if(EXISTS ${_installed} AND EXISTS ${DEST}/package-lock.json AND NOT EXISTS ${DEST}/UNAVAILABLE)
    file(SHA256 ${_lock} _wanted)
    file(SHA256 ${DEST}/package-lock.json _have)
    if(_wanted STREQUAL _have)
        message(STATUS "The SDK clients are installed in ${DEST}")
        return()
    endif()
endif()
file(MAKE_DIRECTORY ${DEST})
file(REMOVE ${DEST}/UNAVAILABLE)
file(COPY ${SOURCE}/package.json ${_lock} DESTINATION ${DEST})
find_program(_npm npm)
if(NOT _npm)
    file(WRITE ${DEST}/UNAVAILABLE "npm is not installed")
    message("SKIPPED: npm is not installed; the SDK client tests do not run")
    return()
endif()
execute_process(
    COMMAND ${_npm} ci --prefix ${DEST} --no-audit --no-fund --loglevel=error
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err
    TIMEOUT 300)
if(NOT _rc EQUAL 0 OR NOT EXISTS ${_installed})
    file(WRITE ${DEST}/UNAVAILABLE "npm ci failed (${_rc}): ${_err}")
    message("SKIPPED: npm ci of the SDK clients failed (is the registry reachable?): ${_rc}\n${_err}")
    return()
endif()
message(STATUS "Installed the SDK clients into ${DEST}")
