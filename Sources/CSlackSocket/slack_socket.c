#include "CSlackSocket.h"
#include <libwebsockets.h>
int css_placeholder(void) { return 0; }
