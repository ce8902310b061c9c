# cmake -DDEST=<folder> -DPACKAGE=<npm spec> -DCHECK=<file inside DEST> -P InstallNpmPackage.cmake
#
# A ctest fixture that installs an npm package the MCP tests need into the
# build tree, once (CHECK existing means installed). Where npm is missing or
# the registry unreachable it prints SKIPPED (ctest then reports this test
# and the tests that need it as skipped, never as passed) and leaves
# DEST/UNAVAILABLE with the reason for them.
if(EXISTS ${DEST}/${CHECK})
    message(STATUS "${PACKAGE} is installed in ${DEST}")
    return()
endif()
file(MAKE_DIRECTORY ${DEST})
file(REMOVE ${DEST}/UNAVAILABLE)
find_program(_npm npm)
if(NOT _npm)
    file(WRITE ${DEST}/UNAVAILABLE "npm is not installed")
    message("SKIPPED: npm is not installed; the tests that need ${PACKAGE} do not run")
    return()
endif()
execute_process(
    COMMAND ${_npm} install --prefix ${DEST} --no-audit --no-fund --loglevel=error ${PACKAGE}
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err
    TIMEOUT 300)
if(NOT _rc EQUAL 0 OR NOT EXISTS ${DEST}/${CHECK})
    file(WRITE ${DEST}/UNAVAILABLE "npm install ${PACKAGE} failed (${_rc}): ${_err}")
    message("SKIPPED: npm install ${PACKAGE} failed (is the registry reachable?): ${_rc}\n${_err}")
    return()
endif()
message(STATUS "Installed ${PACKAGE} into ${DEST}")
