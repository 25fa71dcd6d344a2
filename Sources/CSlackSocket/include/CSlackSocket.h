#ifndef CSLACKSOCKET_H
#define CSLACKSOCKET_H
int css_placeholder(void);
#endif
