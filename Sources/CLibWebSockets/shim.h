#ifndef VIGIL_CLIBWEBSOCKETS_SHIM_H
#define VIGIL_CLIBWEBSOCKETS_SHIM_H
#include <libwebsockets.h>
#endif
