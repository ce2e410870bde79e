/* pkt_version: libpkt's version and libpcap's. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>

#include "pkt/version.h"

static char version_line[256];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void version_init(void)
{
    snprintf(version_line, sizeof version_line, "libpkt %s (%s)", PKT_VERSION_STRING,
             pcap_lib_version());
}

const char *pkt_version(void)
{
    pthread_once(&version_once, version_init);
    return version_line;
}

unsigned pkt_version_number(void)
{
    return PKT_VERSION_NUMBER;
}
