# cmake -DNODE=<node> -DSUITE=<conformance index.js> -DCLIENT=<our client>
#       -DSCENARIO=<name> -DBASELINE=<yml> -DOUTPUT=<folder> -P RunConformance.cmake
#
# One client scenario of the official MCP conformance suite against our
# client. Scenarios our client does not implement are in BASELINE: they must
# fail (the suite turns a pass of one of them into a failure). Without the
# suite installed (no npm) it prints SKIPPED and ctest reports a skip.
get_filename_component(_dest ${SUITE} DIRECTORY)
if(NOT NODE OR NOT EXISTS ${SUITE})
    message("SKIPPED: the MCP conformance suite is not installed (npm unavailable?); scenario ${SCENARIO} not run")
    return()
endif()
file(MAKE_DIRECTORY ${OUTPUT})
execute_process(
    COMMAND ${NODE} ${SUITE} client --command ${CLIENT} --scenario ${SCENARIO}
            --expected-failures ${BASELINE} --output-dir ${OUTPUT} --timeout 30000
    WORKING_DIRECTORY ${OUTPUT}
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err
    TIMEOUT 120)
message("${_out}")
message("${_err}")
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "conformance scenario ${SCENARIO}: exit code ${_rc}")
endif()
