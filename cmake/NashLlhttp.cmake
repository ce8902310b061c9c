# llhttp, the HTTP/1.1 parser of Node.js, from Debian's node-llhttp package:
# C sources under /usr/share/llhttp and the header under /usr/share/include/llhttp
# (LLHTTP_ROOT points elsewhere). Debian ships the sources rather than a
# library, so they are compiled here, once, with strict mode on: the parser
# then refuses what RFC 9112 lets a server refuse instead of guessing.
set(LLHTTP_ROOT "/usr" CACHE PATH "Prefix holding share/llhttp/*.c and share/include/llhttp/llhttp.h")
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS ${LLHTTP_ROOT}/share/include/llhttp NO_DEFAULT_PATH)
find_file(LLHTTP_SOURCE llhttp.c PATHS ${LLHTTP_ROOT}/share/llhttp NO_DEFAULT_PATH)
if(NOT LLHTTP_INCLUDE_DIR OR NOT LLHTTP_SOURCE)
    message(FATAL_ERROR "llhttp not found under ${LLHTTP_ROOT}/share: install Debian's node-llhttp package (tools/setup-deps.sh does)")
endif()
get_filename_component(_llhttp_dir ${LLHTTP_SOURCE} DIRECTORY)

add_library(NashLlhttp STATIC ${_llhttp_dir}/llhttp.c ${_llhttp_dir}/api.c ${_llhttp_dir}/http.c)
target_include_directories(NashLlhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
target_compile_definitions(NashLlhttp PUBLIC LLHTTP_STRICT_MODE=1)
# Generated code: its warnings are not ours to fix.
target_compile_options(NashLlhttp PRIVATE -w)
set_target_properties(NashLlhttp PROPERTIES POSITION_INDEPENDENT_CODE ON)
