#ifndef HMN_CSODIUM_SHIM_H
#define HMN_CSODIUM_SHIM_H
#include <sodium.h>
#endif
